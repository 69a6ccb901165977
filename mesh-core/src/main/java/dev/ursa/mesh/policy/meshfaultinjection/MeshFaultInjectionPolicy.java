package dev.ursa.mesh.policy.meshfaultinjection;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshFaultInjection's descriptor: written on the global, synced down to every zone. */
public final class MeshFaultInjectionPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshFaultInjection", "meshfaultinjections", 900, Owner.GLOBAL,
            MeshFaultInjectionSpec.class, new MeshFaultInjectionValidator());

    private MeshFaultInjectionPolicy() {
    }
}
