package dev.ursa.zone.xds.plugins.meshtimeout;

import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.MergedConf;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.meshtimeout.MeshTimeoutPolicy;
import dev.ursa.mesh.policy.meshtimeout.MeshTimeoutSpec.Conf;
import dev.ursa.mesh.policy.meshtimeout.MeshTimeoutSpec.Http;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.InboundConfig;
import dev.ursa.zone.xds.render.OutboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;

import java.util.Map;
import java.util.Optional;

import static dev.ursa.zone.xds.render.ProtoDurations.duration;

/**
 * MeshTimeout. Envoy: connect timeout on clusters; idle, stream-idle, request-headers and max-connection timeouts on
 * the connection managers (and the TCP proxy idle timeout); request timeout and max stream duration on routes; the
 * same on inbounds from {@code from}. Proxyless gRPC: grpc-java honours only a route's {@code max_stream_duration} as
 * the call's deadline, so {@code http.requestTimeout} (or else {@code http.maxStreamDuration}) becomes that; the
 * rest has no meaning for a gRPC client and is left out.
 */
public final class MeshTimeoutPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshTimeoutPolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        for (OutboundConfig out : cfg.outbounds()) {
            conf(rules.to().forService(out.service())).ifPresent(c -> envoyOutbound(out, c));
        }
        connectTimeouts(cfg, rules);
        for (InboundConfig in : cfg.inbounds()) {
            conf(rules.from().forInbound(in.inbound().portOrZero()).flatMap(FromRules.InboundRules::forAnyClient))
                    .ifPresent(c -> inbound(in, c));
        }
    }

    @Override
    public void applyProxyless(ProxyConfig cfg, PolicyRules rules) {
        for (OutboundConfig out : cfg.outbounds()) {
            conf(rules.to().forService(out.service())).ifPresent(c -> proxylessOutbound(out, c));
        }
        connectTimeouts(cfg, rules);
    }

    private static Optional<Conf> conf(Optional<MergedConf> merged) {
        return merged.map(m -> m.conf(Conf.class));
    }

    private static void connectTimeouts(ProxyConfig cfg, PolicyRules rules) {
        for (Map.Entry<ClusterRef, Cluster.Builder> e : cfg.clusters().entrySet()) {
            conf(rules.to().forService(e.getKey().service())).map(Conf::connectionTimeout)
                    .ifPresent(t -> e.getValue().setConnectTimeout(duration(t.value())));
        }
    }

    /** The call's deadline: {@code http.requestTimeout}, or else {@code http.maxStreamDuration}. */
    private static void proxylessOutbound(OutboundConfig out, Conf c) {
        Http http = c.http();
        KumaDuration deadline = http == null ? null : http.requestTimeout() != null ? http.requestTimeout() : http.maxStreamDuration();
        if (deadline == null) return;
        for (Route.Builder r : out.routes) {
            if (r.hasRoute()) r.getRouteBuilder().setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
                    .setMaxStreamDuration(duration(deadline.value())));
        }
    }

    private static void envoyOutbound(OutboundConfig out, Conf c) {
        Http http = c.http();
        if (!out.http()) {
            if (c.idleTimeout() != null) out.tcp.setIdleTimeout(duration(c.idleTimeout().value()));
            return;
        }
        HttpProtocolOptions.Builder common = out.hcm.getCommonHttpProtocolOptionsBuilder();
        if (c.idleTimeout() != null) common.setIdleTimeout(duration(c.idleTimeout().value()));
        if (http == null) return;
        if (http.maxConnectionDuration() != null) common.setMaxConnectionDuration(duration(http.maxConnectionDuration().value()));
        if (http.streamIdleTimeout() != null) out.hcm.setStreamIdleTimeout(duration(http.streamIdleTimeout().value()));
        if (http.requestHeadersTimeout() != null) out.hcm.setRequestHeadersTimeout(duration(http.requestHeadersTimeout().value()));
        for (Route.Builder r : out.routes) {
            if (!r.hasRoute()) continue;
            if (http.requestTimeout() != null) r.getRouteBuilder().setTimeout(duration(http.requestTimeout().value()));
            if (http.maxStreamDuration() != null) r.getRouteBuilder().setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
                    .setMaxStreamDuration(duration(http.maxStreamDuration().value())));
        }
    }

    private static void inbound(InboundConfig in, Conf c) {
        if (c.connectionTimeout() != null) in.localCluster.setConnectTimeout(duration(c.connectionTimeout().value()));
        if (!in.http()) return;
        if (c.idleTimeout() != null) in.hcm.getCommonHttpProtocolOptionsBuilder().setIdleTimeout(duration(c.idleTimeout().value()));
        Http http = c.http();
        if (http == null) return;
        if (http.streamIdleTimeout() != null) in.hcm.setStreamIdleTimeout(duration(http.streamIdleTimeout().value()));
        if (http.requestHeadersTimeout() != null) in.hcm.setRequestHeadersTimeout(duration(http.requestHeadersTimeout().value()));
        if (http.maxConnectionDuration() != null) in.hcm.getCommonHttpProtocolOptionsBuilder().setMaxConnectionDuration(duration(http.maxConnectionDuration().value()));
        for (var vh : in.hcm.getRouteConfigBuilder().getVirtualHostsBuilderList()) {
            for (Route.Builder r : vh.getRoutesBuilderList()) {
                if (http.requestTimeout() != null) r.getRouteBuilder().setTimeout(duration(http.requestTimeout().value()));
                if (http.maxStreamDuration() != null) r.getRouteBuilder().setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
                        .setMaxStreamDuration(duration(http.maxStreamDuration().value())));
            }
        }
    }
}
