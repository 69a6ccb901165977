package dev.ursa.zone.xds.render;

import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.zone.xds.view.DataplaneView;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;

import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** One inbound of an Envoy sidecar while it is being rendered. */
public final class InboundConfig {
    private final Inbound inbound;
    private final boolean http;
    public final HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder();
    /** The TCP proxy of a non-HTTP inbound (stat prefix and cluster are set when packed). */
    public final TcpProxy.Builder tcp = TcpProxy.newBuilder();
    /** The cluster pointing at the application on localhost. */
    public final Cluster.Builder localCluster = Cluster.newBuilder();
    /** Set by MeshTrafficPermission: who may connect. Absent = no RBAC filter. */
    private RBAC rbac;
    /** Set by MeshTLS: overrides the mesh's mTLS mode on this inbound. Absent = the mesh's. */
    private DataplaneView.MtlsMode mtlsMode;
    /** Set by MeshTLS: TLS versions and ciphers of this inbound. Absent = Envoy's defaults. */
    private TlsParameters tlsParams;
    /** HTTP filters policies add (e.g. MeshFaultInjection's faults), in order, between RBAC and the router. */
    private final List<HttpFilter> httpFilters = new ArrayList<>();
    /** Network filters policies add (e.g. MeshRateLimit's connection limit), in order, first in the filter chain. */
    private final List<Filter> networkFilters = new ArrayList<>();

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

    public Optional<DataplaneView.MtlsMode> mtlsMode() {
        return Optional.ofNullable(mtlsMode);
    }

    public void mtlsMode(DataplaneView.MtlsMode mode) {
        this.mtlsMode = mode;
    }

    public Optional<TlsParameters> tlsParams() {
        return Optional.ofNullable(tlsParams);
    }

    public void tlsParams(TlsParameters params) {
        this.tlsParams = params;
    }

    public List<HttpFilter> httpFilters() {
        return Collections.unmodifiableList(httpFilters);
    }

    public void addHttpFilter(HttpFilter filter) {
        httpFilters.add(filter);
    }

    public List<Filter> networkFilters() {
        return Collections.unmodifiableList(networkFilters);
    }

    /** Envoy sidecars only: a proxyless server's listener takes no network filters. */
    public void addNetworkFilter(Filter filter) {
        networkFilters.add(filter);
    }
}
