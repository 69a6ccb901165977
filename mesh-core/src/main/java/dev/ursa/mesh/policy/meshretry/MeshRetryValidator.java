package dev.ursa.mesh.policy.meshretry;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/** STUB: replaced by Kuma 2.14's rules. */
public final class MeshRetryValidator implements SpecValidator<MeshRetrySpec> {
    @Override
    public void validate(MeshRetrySpec spec, FieldPath path, Violations out) {
    }
}
