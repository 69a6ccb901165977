package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.Violations;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Tag and name rules shared by every resource type (Kuma's character sets). */
public final class Tags {
    public static final String SERVICE = "kuma.io/service";
    public static final String ZONE = "kuma.io/zone";
    public static final String PROTOCOL = "kuma.io/protocol";

    private static final Pattern NAME = Pattern.compile("^[0-9a-z.\\-_]*$");
    private static final Pattern TAG_NAME = Pattern.compile("^[a-zA-Z0-9.\\-_:/]*$");
    private static final Pattern TAG_VALUE = Pattern.compile("^[a-zA-Z0-9.\\-_:]*$");
    private static final Pattern SELECTOR_VALUE = Pattern.compile("^([a-zA-Z0-9.\\-_:/]*|\\*)$");

    private Tags() {
    }

    /** Kuma's resource-name characters: lower-case alphanumerics, '-', '.' and '_'. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static final String NAME_RULE = "invalid characters: must consist of lower case alphanumeric characters, '-', '.' and '_'.";

    /** Tags of a dataplane inbound or outbound: concrete values only. */
    public static void validateTags(Map<String, String> tags, FieldPath path, Violations out) {
        validate(tags, path, out, TAG_VALUE, "tag value must consist of alphanumeric characters, dots, dashes and underscores");
    }

    /** Tags used to select dataplanes: values may also contain '/' or be "*". */
    public static void validateSelector(Map<String, String> tags, FieldPath path, Violations out) {
        validate(tags, path, out, SELECTOR_VALUE,
                "tag value must consist of alphanumeric characters, dots, dashes, slashes and underscores or be \"*\"");
    }

    private static void validate(Map<String, String> tags, FieldPath path, Violations out, Pattern valueRule, String valueMessage) {
        if (tags == null) {
            return;
        }
        for (var e : new TreeMap<>(tags).entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key.isEmpty()) {
                out.add(path, "tag name must be non-empty");
            } else if (!TAG_NAME.matcher(key).matches()) {
                out.add(path.key(key), "tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores");
            }
            if (value == null || value.isEmpty()) {
                out.add(path.key(key), "tag value must be non-empty");
            } else if (!valueRule.matcher(value).matches()) {
                out.add(path.key(key), valueMessage);
            }
        }
    }
}
