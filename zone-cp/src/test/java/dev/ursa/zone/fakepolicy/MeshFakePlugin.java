package dev.ursa.zone.fakepolicy;

import com.google.protobuf.UInt32Value;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;

import java.util.Map;

/**
 * MeshFake's plugin: Envoy clusters get {@code per_connection_buffer_limit_bytes}. Proxyless clients have no such
 * limit, so {@link #applyProxyless} keeps the no-op default.
 */
public final class MeshFakePlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshFakePolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        for (Map.Entry<ClusterRef, Cluster.Builder> e : cfg.clusters().entrySet()) {
            rules.to().forService(e.getKey().service()).map(m -> m.conf(MeshFakeSpec.Conf.class))
                    .ifPresent(c -> e.getValue().setPerConnectionBufferLimitBytes(UInt32Value.of(c.bufferBytes())));
        }
    }
}
