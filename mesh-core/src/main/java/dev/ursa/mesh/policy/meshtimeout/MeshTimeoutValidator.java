package dev.ursa.mesh.policy.meshtimeout;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/** STUB: replaced by Kuma 2.14's rules. */
public final class MeshTimeoutValidator implements SpecValidator<MeshTimeoutSpec> {
    @Override
    public void validate(MeshTimeoutSpec spec, FieldPath path, Violations out) {
    }
}
