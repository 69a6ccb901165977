package dev.ursa.mesh.policy.meshtrafficpermission;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshTrafficPermission's descriptor: written on the global, synced down to every zone. */
public final class MeshTrafficPermissionPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshTrafficPermission", "meshtrafficpermissions", 700, Owner.GLOBAL,
            MeshTrafficPermissionSpec.class, new MeshTrafficPermissionValidator());

    private MeshTrafficPermissionPolicy() {
    }
}
