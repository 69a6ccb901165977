package dev.ursa.mesh.matching;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;

import java.util.List;

/**
 * A policy whose top-level targetRef selects a dataplane.
 *
 * @param targetRef the effective top-level targetRef (Mesh when the policy has none)
 * @param inbounds  the inbounds it selects (empty for a selected delegated gateway); {@code from} items apply to these
 * @param reason    a human-readable explanation, e.g. for an inspection endpoint
 */
public record PolicyMatch(Resource policy, TargetRef targetRef, List<Inbound> inbounds, String reason) {
    public PolicyMatch {
        inbounds = List.copyOf(inbounds);
    }

    public String name() {
        return policy.meta().name();
    }

    public TargetRefPolicy spec() {
        return (TargetRefPolicy) policy.spec();
    }
}
