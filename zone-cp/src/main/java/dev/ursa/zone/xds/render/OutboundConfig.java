package dev.ursa.zone.xds.render;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import dev.ursa.zone.xds.view.OutboundView;

import java.util.ArrayList;
import java.util.List;

/**
 * One destination while it is being rendered: plugins edit its routes, HTTP connection manager or TCP proxy, and the
 * clusters it uses ({@link ProxyConfig#cluster}), before the renderer packs everything into xDS resources.
 */
public final class OutboundConfig {
    private final OutboundView view;
    private final String listenerName;
    private final String routeName;
    /** Routes in match order; the default one sends everything to the service's cluster. */
    public final List<Route.Builder> routes = new ArrayList<>();
    public final HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder();
    public final TcpProxy.Builder tcp = TcpProxy.newBuilder();
    /** Set by MeshTCPRoute on an HTTP destination: its connections go through {@link #tcp}, not the HTTP routes. */
    private boolean tcpProxied;

    OutboundConfig(OutboundView view, String listenerName, String routeName) {
        this.view = view;
        this.listenerName = listenerName;
        this.routeName = routeName;
    }

    public String service() {
        return view.service();
    }

    public OutboundView view() {
        return view;
    }

    public boolean http() {
        return view.http();
    }

    /** Routes this destination's connections with the TCP proxy even when it speaks HTTP (an Envoy sidecar only). */
    public void proxyTcp() {
        tcpProxied = true;
    }

    /** Whether an Envoy sidecar reaches this destination through an HTTP connection manager (else the TCP proxy). */
    public boolean httpRouted() {
        return http() && !tcpProxied;
    }

    public String listenerName() {
        return listenerName;
    }

    public String routeName() {
        return routeName;
    }
}
