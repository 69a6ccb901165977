package dev.ursa.mesh.codec;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceSpec;
import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violations;

import java.util.TreeMap;
import java.util.regex.Pattern;

/** Validates a whole resource: meta (name, mesh, labels) and spec, reporting every violation at once. */
public final class ResourceValidation {
    private static final int MAX_NAME = 253;
    private static final Pattern LABEL_KEY = Pattern.compile("^([a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$");

    private ResourceValidation() {
    }

    public static Violations check(Resource r) {
        Violations out = new Violations();
        checkName(r.meta().name(), FieldPath.of("name"), out);
        if (r.type().meshScoped()) {
            if (r.meta().mesh().isEmpty()) {
                out.add(FieldPath.of("mesh"), "must be defined");
            } else {
                checkName(r.meta().mesh(), FieldPath.of("mesh"), out);
            }
        }
        for (var e : new TreeMap<>(r.meta().labels()).entrySet()) {
            FieldPath p = FieldPath.of("labels").key(e.getKey());
            if (e.getKey().length() > 317 || !LABEL_KEY.matcher(e.getKey()).matches()) {
                out.add(p, "label key must be an optional DNS prefix and '/' followed by alphanumerics, '-', '_' or '.'");
            }
            if (e.getValue().length() > 63) {
                out.add(p, "label value must be at most 63 characters");
            }
        }
        FieldPath specPath = r.type().layout() == dev.ursa.mesh.model.Layout.NESTED ? FieldPath.of("spec") : FieldPath.ROOT;
        SpecValidator<ResourceSpec> validator = r.type().validatorFor();
        validator.validate(r.spec(), specPath, out);
        return out;
    }

    /** Throws a {@link ValidationException} listing every violation, if any. */
    public static void validate(Resource r) {
        check(r).throwIfAny("Resource is not valid");
    }

    public static void checkName(String name, FieldPath path, Violations out) {
        if (name == null || name.isEmpty()) {
            out.add(path, "must be defined");
        } else if (name.length() > MAX_NAME) {
            out.add(path, "must be at most " + MAX_NAME + " characters");
        } else if (!Tags.isValidName(name)) {
            out.add(path, Tags.NAME_RULE);
        }
    }
}
