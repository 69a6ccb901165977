package dev.ursa.mesh.policy.meshtcproute;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/**
 * MeshTCPRoute's descriptor: written on the global, synced down to every zone. Its plugin runs right after
 * MeshHTTPRoute's, so it can leave an HTTP destination that a MeshHTTPRoute routes alone (Kuma: the HTTP route wins).
 */
public final class MeshTCPRoutePolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshTCPRoute", "meshtcproutes", 110, Owner.GLOBAL,
            MeshTCPRouteSpec.class, new MeshTCPRouteValidator());

    private MeshTCPRoutePolicy() {
    }
}
