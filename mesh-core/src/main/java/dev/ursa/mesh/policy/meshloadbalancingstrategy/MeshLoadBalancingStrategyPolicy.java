package dev.ursa.mesh.policy.meshloadbalancingstrategy;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshLoadBalancingStrategy's descriptor: written on the global, synced down to every zone. */
public final class MeshLoadBalancingStrategyPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshLoadBalancingStrategy", "meshloadbalancingstrategies", 400, Owner.GLOBAL,
            MeshLoadBalancingStrategySpec.class, new MeshLoadBalancingStrategyValidator());

    private MeshLoadBalancingStrategyPolicy() {
    }
}
