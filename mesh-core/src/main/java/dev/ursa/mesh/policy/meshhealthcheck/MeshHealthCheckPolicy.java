package dev.ursa.mesh.policy.meshhealthcheck;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshHealthCheck's descriptor: written on the global, synced down to every zone. */
public final class MeshHealthCheckPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshHealthCheck", "meshhealthchecks", 600, Owner.GLOBAL,
            MeshHealthCheckSpec.class, new MeshHealthCheckValidator());

    private MeshHealthCheckPolicy() {
    }
}
