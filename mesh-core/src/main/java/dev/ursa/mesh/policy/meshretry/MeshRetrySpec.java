package dev.ursa.mesh.policy.meshretry;

import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

/** STUB: replaced by the full Kuma 2.14 spec. */
public record MeshRetrySpec(TargetRef targetRef) implements TargetRefPolicy {
}
