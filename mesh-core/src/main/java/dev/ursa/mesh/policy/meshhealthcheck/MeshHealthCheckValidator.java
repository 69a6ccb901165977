package dev.ursa.mesh.policy.meshhealthcheck;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/** STUB: replaced by Kuma 2.14's rules. */
public final class MeshHealthCheckValidator implements SpecValidator<MeshHealthCheckSpec> {
    @Override
    public void validate(MeshHealthCheckSpec spec, FieldPath path, Violations out) {
    }
}
