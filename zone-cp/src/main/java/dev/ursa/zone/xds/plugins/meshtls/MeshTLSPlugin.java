package dev.ursa.zone.xds.plugins.meshtls;

import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshtls.MeshTLSPolicy;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;

/**
 * MeshTLS: registered so the zone mirrors the type and its views match it, but nothing is rendered here yet. Its
 * version range, ciphers and mode belong to the inbound TLS contexts of mesh mTLS, which the mTLS rendering (workload
 * certificates, SDS, Envoy TLS) builds and will read MeshTLS into; until then both flavours leave the config as it is.
 */
public final class MeshTLSPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshTLSPolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig config, PolicyRules rules) {
        // Rendered with the inbound TLS contexts by the mTLS rendering, not here.
    }

    @Override
    public void applyProxyless(ProxyConfig config, PolicyRules rules) {
        // Proxyless gRPC clients have no inbound listeners to secure.
    }
}
