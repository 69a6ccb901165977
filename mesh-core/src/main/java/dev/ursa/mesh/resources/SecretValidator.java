package dev.ursa.mesh.resources;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/**
 * A Secret's {@code data}: required and base64 as Kuma reads it ({@link SecretSpec#bytes()}; a protobuf
 * {@code BytesValue}, so anything else fails to decode there). Messages never quote the value.
 */
public final class SecretValidator implements SpecValidator<SecretSpec> {
    @Override
    public void validate(SecretSpec spec, FieldPath path, Violations out) {
        FieldPath data = path.field("data");
        if (spec.data() == null || spec.data().isEmpty()) {
            out.add(data, "cannot be empty");
            return;
        }
        try {
            spec.bytes();
        } catch (IllegalArgumentException e) {
            out.add(data, "must be valid base64");
        }
    }
}
