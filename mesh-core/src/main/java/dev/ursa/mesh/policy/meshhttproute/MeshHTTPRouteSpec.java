package dev.ursa.mesh.policy.meshhttproute;

import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

/** STUB: replaced by the full Kuma 2.14 spec. */
public record MeshHTTPRouteSpec(TargetRef targetRef) implements TargetRefPolicy {
}
