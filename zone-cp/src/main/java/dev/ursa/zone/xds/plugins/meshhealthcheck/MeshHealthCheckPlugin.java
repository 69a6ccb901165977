package dev.ursa.zone.xds.plugins.meshhealthcheck;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckPolicy;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckSpec.Conf;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.OutboundView;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.type.v3.Int64Range;
import io.envoyproxy.envoy.type.v3.Percent;

import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import static dev.ursa.zone.xds.render.ProtoDurations.duration;

/**
 * MeshHealthCheck: active health checks on outbound clusters, HTTP, gRPC or TCP following the destination's protocol.
 * Envoy only: gRPC clients do no active health checking (grpc-java relies on the control plane's endpoint health).
 */
public final class MeshHealthCheckPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshHealthCheckPolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        for (Map.Entry<ClusterRef, Cluster.Builder> e : cfg.clusters().entrySet()) {
            String protocol = cfg.view().outbounds().stream().filter(o -> o.service().equals(e.getKey().service()))
                    .map(OutboundView::protocol).findFirst().orElse("tcp");
            rules.to().forService(e.getKey().service()).map(m -> m.conf(Conf.class))
                    .ifPresent(c -> healthCheck(e.getValue(), c, protocol));
        }
    }

    private static void healthCheck(Cluster.Builder cluster, Conf c, String protocol) {
        HealthCheck.Builder hc = HealthCheck.newBuilder()
                .setInterval(duration(c.interval() == null ? Duration.ofMinutes(1) : c.interval().value()))
                .setTimeout(duration(c.timeout() == null ? Duration.ofSeconds(15) : c.timeout().value()))
                .setUnhealthyThreshold(UInt32Value.of(c.unhealthyThreshold() == null ? 5 : c.unhealthyThreshold()))
                .setHealthyThreshold(UInt32Value.of(c.healthyThreshold() == null ? 1 : c.healthyThreshold()));
        if (c.initialJitter() != null) hc.setInitialJitter(duration(c.initialJitter().value()));
        if (c.intervalJitter() != null) hc.setIntervalJitter(duration(c.intervalJitter().value()));
        if (c.intervalJitterPercent() != null) hc.setIntervalJitterPercent(c.intervalJitterPercent());
        if (c.alwaysLogHealthCheckFailures() != null) hc.setAlwaysLogHealthCheckFailures(c.alwaysLogHealthCheckFailures());
        if (c.noTrafficInterval() != null) hc.setNoTrafficInterval(duration(c.noTrafficInterval().value()));
        if (c.reuseConnection() != null) hc.setReuseConnection(BoolValue.of(c.reuseConnection()));
        boolean httpOn = c.http() != null && !Boolean.TRUE.equals(c.http().disabled());
        boolean grpcOn = c.grpc() != null && !Boolean.TRUE.equals(c.grpc().disabled());
        boolean tcpOff = c.tcp() != null && Boolean.TRUE.equals(c.tcp().disabled());
        if (protocol.equals("grpc") && grpcOn) {
            HealthCheck.GrpcHealthCheck.Builder g = HealthCheck.GrpcHealthCheck.newBuilder();
            if (c.grpc().serviceName() != null) g.setServiceName(c.grpc().serviceName());
            if (c.grpc().authority() != null) g.setAuthority(c.grpc().authority());
            hc.setGrpcHealthCheck(g);
        } else if (!protocol.equals("tcp") && !protocol.equals("grpc") && httpOn) {
            HealthCheck.HttpHealthCheck.Builder h = HealthCheck.HttpHealthCheck.newBuilder()
                    .setPath(c.http().path() == null ? "/" : c.http().path());
            if (c.http().expectedStatuses() != null) {
                c.http().expectedStatuses().forEach(s -> h.addExpectedStatuses(Int64Range.newBuilder().setStart(s).setEnd(s + 1)));
            }
            if (c.http().requestHeadersToAdd() != null) {
                var mod = c.http().requestHeadersToAdd();
                if (mod.set() != null) mod.set().forEach(kv -> h.addRequestHeadersToAdd(header(kv.name(), kv.value(), false)));
                if (mod.add() != null) mod.add().forEach(kv -> h.addRequestHeadersToAdd(header(kv.name(), kv.value(), true)));
            }
            hc.setHttpHealthCheck(h);
        } else if (!tcpOff) {
            HealthCheck.TcpHealthCheck.Builder t = HealthCheck.TcpHealthCheck.newBuilder();
            // An empty payload is no payload (Envoy refuses empty text): send nothing / expect anything.
            if (c.tcp() != null && c.tcp().send() != null && !c.tcp().send().isEmpty()) t.setSend(payload(c.tcp().send()));
            if (c.tcp() != null && c.tcp().receive() != null) {
                c.tcp().receive().stream().filter(r -> !r.isEmpty()).forEach(r -> t.addReceive(payload(r)));
            }
            hc.setTcpHealthCheck(t);
        } else {
            return;
        }
        cluster.addHealthChecks(hc);
        if (c.healthyPanicThreshold() != null && c.healthyPanicThreshold().decimal().isPresent()) {
            cluster.getCommonLbConfigBuilder().setHealthyPanicThreshold(Percent.newBuilder()
                    .setValue(c.healthyPanicThreshold().decimal().get().doubleValue()));
        }
    }

    private static HeaderValueOption header(String name, String value, boolean append) {
        // an absent value is "" (as Kuma reads it): validation lets it through, protobuf setters take no null
        return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(name).setValue(value == null ? "" : value))
                .setAppendAction(append ? HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
                        : HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).build();
    }

    /** Kuma writes payloads in Base64; Envoy wants hex text. */
    private static HealthCheck.Payload payload(String base64) {
        return HealthCheck.Payload.newBuilder().setText(HexFormat.of().formatHex(Base64.getDecoder().decode(base64))).build();
    }
}
