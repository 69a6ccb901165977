package dev.ursa.mesh.policy.meshtrafficpermission;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/** STUB: replaced by Kuma 2.14's rules. */
public final class MeshTrafficPermissionValidator implements SpecValidator<MeshTrafficPermissionSpec> {
    @Override
    public void validate(MeshTrafficPermissionSpec spec, FieldPath path, Violations out) {
    }
}
