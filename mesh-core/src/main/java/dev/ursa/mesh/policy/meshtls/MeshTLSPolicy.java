package dev.ursa.mesh.policy.meshtls;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshTLS's descriptor: written on the global, synced down to every zone; its plugin runs after MeshTrafficPermission. */
public final class MeshTLSPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshTLS", "meshtlses", 800, Owner.GLOBAL,
            MeshTLSSpec.class, new MeshTLSValidator());

    private MeshTLSPolicy() {
    }
}
