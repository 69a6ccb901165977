package dev.ursa.mesh.policy.meshproxypatch;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/**
 * MeshProxyPatch's descriptor: written on the global, synced down to every zone. Order 990: its plugin runs after
 * every other one (Kuma's order 9999), so it patches what they rendered.
 */
public final class MeshProxyPatchPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshProxyPatch", "meshproxypatches", 990, Owner.GLOBAL,
            MeshProxyPatchSpec.class, new MeshProxyPatchValidator());

    private MeshProxyPatchPolicy() {
    }
}
