package dev.ursa.zone.xds.plugins.meshpassthrough;

import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshpassthrough.MeshPassthroughPolicy;
import dev.ursa.zone.xds.render.PolicyPlugin;

/**
 * MeshPassthrough: nothing to render yet, in either flavour. Kuma configures the filter chains and clusters of the
 * transparent proxy's outbound passthrough listener (traffic to addresses outside the mesh); Ursa's Envoy sidecars have
 * no such listener (they get one listener per declared outbound) and proxyless gRPC clients have no passthrough, so any
 * rendering would invent config. The policy is accepted with a validator warning saying so, which the API returns as a
 * {@code Warning} header and {@code _policies} lists under {@code notApplied} (docs/dataplanes.md).
 */
public final class MeshPassthroughPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshPassthroughPolicy.TYPE;
    }
}
