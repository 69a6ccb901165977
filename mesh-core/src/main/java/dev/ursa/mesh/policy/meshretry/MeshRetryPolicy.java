package dev.ursa.mesh.policy.meshretry;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshRetry's descriptor: written on the global, synced down to every zone. */
public final class MeshRetryPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshRetry", "meshretries", 300, Owner.GLOBAL,
            MeshRetrySpec.class, new MeshRetryValidator());

    private MeshRetryPolicy() {
    }
}
