package dev.ursa.zone.xds.render;

import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;

import java.util.Optional;

/** One inbound of an Envoy sidecar while it is being rendered. */
public final class InboundConfig {
    private final Inbound inbound;
    private final boolean http;
    public final HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder();
    /** The cluster pointing at the application on localhost. */
    public final Cluster.Builder localCluster = Cluster.newBuilder();
    /** Set by MeshTrafficPermission: who may connect. Absent = no RBAC filter. */
    private RBAC rbac;

    InboundConfig(Inbound inbound, boolean http) {
        this.inbound = inbound;
        this.http = http;
    }

    public Inbound inbound() {
        return inbound;
    }

    public boolean http() {
        return http;
    }

    public Optional<RBAC> rbac() {
        return Optional.ofNullable(rbac);
    }

    public void rbac(RBAC rules) {
        this.rbac = rules;
    }
}
