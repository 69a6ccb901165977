package dev.ursa.mesh.policy.meshratelimit;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshRateLimit's descriptor: written on the global, synced down to every zone. */
public final class MeshRateLimitPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshRateLimit", "meshratelimits", 910, Owner.GLOBAL,
            MeshRateLimitSpec.class, new MeshRateLimitValidator());

    private MeshRateLimitPolicy() {
    }
}
