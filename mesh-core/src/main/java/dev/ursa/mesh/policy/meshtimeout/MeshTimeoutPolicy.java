package dev.ursa.mesh.policy.meshtimeout;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshTimeout's descriptor: written on the global, synced down to every zone. */
public final class MeshTimeoutPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshTimeout", "meshtimeouts", 200, Owner.GLOBAL,
            MeshTimeoutSpec.class, new MeshTimeoutValidator());

    private MeshTimeoutPolicy() {
    }
}
