package dev.ursa.mesh.policy.meshaccesslog;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshAccessLog's descriptor: written on the global, synced down to every zone. */
public final class MeshAccessLogPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshAccessLog", "meshaccesslogs", 920, Owner.GLOBAL,
            MeshAccessLogSpec.class, new MeshAccessLogValidator());

    private MeshAccessLogPolicy() {
    }
}
