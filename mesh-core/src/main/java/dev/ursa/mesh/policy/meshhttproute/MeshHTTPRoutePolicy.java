package dev.ursa.mesh.policy.meshhttproute;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/**
 * MeshHTTPRoute's descriptor: written on the global, synced down to every zone. Its plugin runs first, so the plugins
 * after it edit every route it creates.
 */
public final class MeshHTTPRoutePolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshHTTPRoute", "meshhttproutes", 100, Owner.GLOBAL,
            MeshHTTPRouteSpec.class, new MeshHTTPRouteValidator());

    private MeshHTTPRoutePolicy() {
    }
}
