package dev.ursa.cp.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A checked {@code POST /tokens/user} body: {@code {"name":"alice","groups":["mesh-system:admin"],"validFor":"24h"}}.
 * Names are what audit logs show, so they are plain (no spaces or control characters) and never a control plane's
 * own {@code mesh-system:} identity; groups are the two known ones.
 */
public record UserTokenRequest(String name, List<String> groups, Duration validFor) {
    static final String TITLE = "Invalid user token request";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+:-]{0,252}");

    public UserTokenRequest {
        groups = List.copyOf(groups);
    }

    public static UserTokenRequest of(JsonNode body) {
        if (!body.isObject()) throw ValidationException.of(TITLE, "", "must be an object with name, groups and validFor");
        Violations out = new Violations();
        JsonNode nameNode = body.path("name");
        String name = nameNode.isTextual() ? nameNode.asText() : null;
        if (name == null || !NAME.matcher(name).matches()) {
            out.add(FieldPath.of("name"), "must be 1 to 253 characters: letters, digits and . _ @ + : - (starting with a letter or digit)");
        } else if (name.startsWith(Groups.RESERVED_PREFIX)) {
            out.add(FieldPath.of("name"), "names starting with \"" + Groups.RESERVED_PREFIX + "\" are reserved for the control plane's own identities");
        }
        List<String> groups = new ArrayList<>();
        JsonNode groupsNode = body.path("groups");
        if (!groupsNode.isArray() || groupsNode.isEmpty()) {
            out.add(FieldPath.of("groups"), "must list at least one of " + String.join(", ", Groups.KNOWN));
        } else {
            for (int i = 0; i < groupsNode.size(); i++) {
                JsonNode g = groupsNode.get(i);
                if (!g.isTextual() || !Groups.KNOWN.contains(g.asText())) {
                    out.add(FieldPath.of("groups").index(i), "unknown group " + g + "; known: " + String.join(", ", Groups.KNOWN));
                } else if (!groups.contains(g.asText())) {
                    groups.add(g.asText());
                }
            }
        }
        JsonNode validForNode = body.path(ValidFor.FIELD);
        Duration validFor = UserTokens.DEFAULT_VALIDITY;
        if (!validForNode.isMissingNode() && !validForNode.isNull()) {
            if (!validForNode.isTextual()) {
                out.add(FieldPath.of(ValidFor.FIELD), "must be a duration like \"24h\"");
            } else {
                try {
                    validFor = ValidFor.parse(validForNode.asText(), UserTokens.DEFAULT_VALIDITY, TITLE);
                } catch (ValidationException e) {
                    out.addAll(e.violations());
                }
            }
        }
        out.throwIfAny(TITLE);
        return new UserTokenRequest(name, groups, validFor);
    }
}
