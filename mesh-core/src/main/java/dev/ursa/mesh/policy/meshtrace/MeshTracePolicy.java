package dev.ursa.mesh.policy.meshtrace;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshTrace's descriptor: written on the global, synced down to every zone. */
public final class MeshTracePolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshTrace", "meshtraces", 930, Owner.GLOBAL,
            MeshTraceSpec.class, new MeshTraceValidator());

    private MeshTracePolicy() {
    }
}
