package dev.ursa.zone.xds.plugins.meshcircuitbreaker;

import com.google.protobuf.UInt32Value;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerPolicy;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.Conf;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.ConnectionLimits;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec.Detectors;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;

import java.util.Map;
import java.util.function.BiConsumer;

import static dev.ursa.zone.xds.render.ProtoDurations.duration;

/**
 * MeshCircuitBreaker ({@code to}): connection limits as cluster thresholds and outlier detection. Proxyless gRPC:
 * grpc-java enforces only {@code max_requests} and the success-rate and failure-percentage detectors, so only those are
 * sent (consecutive-failure detectors and the other limits are Envoy only).
 */
public final class MeshCircuitBreakerPlugin implements PolicyPlugin {
    @Override
    public PolicyType descriptor() {
        return MeshCircuitBreakerPolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        forEachCluster(cfg, rules, (cluster, c) -> {
            if (c.connectionLimits() != null) thresholds(cluster, envoyThresholds(c.connectionLimits()));
            if (c.outlierDetection() != null) envoyOutlier(cluster, c.outlierDetection());
        });
    }

    @Override
    public void applyProxyless(ProxyConfig cfg, PolicyRules rules) {
        forEachCluster(cfg, rules, (cluster, c) -> {
            if (c.connectionLimits() != null) thresholds(cluster, maxRequests(c.connectionLimits()));
            if (c.outlierDetection() != null) proxylessOutlier(cluster, c.outlierDetection());
        });
    }

    private static void forEachCluster(ProxyConfig cfg, PolicyRules rules, BiConsumer<Cluster.Builder, Conf> apply) {
        for (Map.Entry<ClusterRef, Cluster.Builder> e : cfg.clusters().entrySet()) {
            rules.to().forService(e.getKey().service()).map(m -> m.conf(Conf.class)).ifPresent(c -> apply.accept(e.getValue(), c));
        }
    }

    /** The one limit grpc-java enforces. */
    private static CircuitBreakers.Thresholds.Builder maxRequests(ConnectionLimits l) {
        CircuitBreakers.Thresholds.Builder t = CircuitBreakers.Thresholds.newBuilder();
        if (l.maxRequests() != null) t.setMaxRequests(UInt32Value.of(l.maxRequests()));
        return t;
    }

    private static CircuitBreakers.Thresholds.Builder envoyThresholds(ConnectionLimits l) {
        CircuitBreakers.Thresholds.Builder t = maxRequests(l);
        if (l.maxConnections() != null) t.setMaxConnections(UInt32Value.of(l.maxConnections()));
        if (l.maxPendingRequests() != null) t.setMaxPendingRequests(UInt32Value.of(l.maxPendingRequests()));
        if (l.maxRetries() != null) t.setMaxRetries(UInt32Value.of(l.maxRetries()));
        if (l.maxConnectionPools() != null) t.setMaxConnectionPools(UInt32Value.of(l.maxConnectionPools()));
        return t;
    }

    private static void thresholds(Cluster.Builder c, CircuitBreakers.Thresholds.Builder t) {
        if (!t.build().equals(CircuitBreakers.Thresholds.getDefaultInstance())) {
            c.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(t));
        }
    }

    private static void envoyOutlier(Cluster.Builder c, MeshCircuitBreakerSpec.OutlierDetection o) {
        if (Boolean.TRUE.equals(o.disabled())) {
            c.clearOutlierDetection();
            return;
        }
        OutlierDetection.Builder b = common(o);
        if (o.splitExternalAndLocalErrors() != null) b.setSplitExternalLocalOriginErrors(o.splitExternalAndLocalErrors());
        // Envoy enables consecutive 5xx and gateway detectors by default; only what the policy names is enforced.
        b.setEnforcingConsecutive5Xx(UInt32Value.of(0)).setEnforcingConsecutiveGatewayFailure(UInt32Value.of(0)).setEnforcingConsecutiveLocalOriginFailure(UInt32Value.of(0));
        Detectors d = o.detectors();
        if (d != null) {
            if (d.totalFailures() != null && d.totalFailures().consecutive() != null) {
                b.setConsecutive5Xx(UInt32Value.of(d.totalFailures().consecutive())).setEnforcingConsecutive5Xx(UInt32Value.of(100));
            }
            if (d.gatewayFailures() != null && d.gatewayFailures().consecutive() != null) {
                b.setConsecutiveGatewayFailure(UInt32Value.of(d.gatewayFailures().consecutive())).setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100));
            }
            if (d.localOriginFailures() != null && d.localOriginFailures().consecutive() != null) {
                b.setConsecutiveLocalOriginFailure(UInt32Value.of(d.localOriginFailures().consecutive())).setEnforcingConsecutiveLocalOriginFailure(UInt32Value.of(100));
            }
        }
        c.setOutlierDetection(b);
    }

    /** grpc-java: the success-rate and failure-percentage detectors only. */
    private static void proxylessOutlier(Cluster.Builder c, MeshCircuitBreakerSpec.OutlierDetection o) {
        if (Boolean.TRUE.equals(o.disabled())) {
            c.clearOutlierDetection();
            return;
        }
        c.setOutlierDetection(common(o));
    }

    /** What both flavours share: intervals, ejection bounds, and the success-rate and failure-percentage detectors. */
    private static OutlierDetection.Builder common(MeshCircuitBreakerSpec.OutlierDetection o) {
        OutlierDetection.Builder b = OutlierDetection.newBuilder();
        if (o.interval() != null) b.setInterval(duration(o.interval().value()));
        if (o.baseEjectionTime() != null) b.setBaseEjectionTime(duration(o.baseEjectionTime().value()));
        if (o.maxEjectionPercent() != null) b.setMaxEjectionPercent(UInt32Value.of(o.maxEjectionPercent()));
        // only what the policy names is enforced
        b.setEnforcingSuccessRate(UInt32Value.of(0)).setEnforcingFailurePercentage(UInt32Value.of(0));
        Detectors d = o.detectors();
        if (d == null) return b;
        if (d.successRate() != null) {
            var sr = d.successRate();
            b.setEnforcingSuccessRate(UInt32Value.of(100));
            if (sr.minimumHosts() != null) b.setSuccessRateMinimumHosts(UInt32Value.of(sr.minimumHosts()));
            if (sr.requestVolume() != null) b.setSuccessRateRequestVolume(UInt32Value.of(sr.requestVolume()));
            if (sr.standardDeviationFactor() != null && sr.standardDeviationFactor().decimal().isPresent()) {
                // Envoy takes the factor x1000 as a uint32: clamp (a factor above ~4.29 million would wrap, not saturate).
                long milli = Math.min(0xFFFF_FFFFL, Math.round(sr.standardDeviationFactor().decimal().get().doubleValue() * 1000));
                b.setSuccessRateStdevFactor(UInt32Value.of((int) milli));
            }
        }
        if (d.failurePercentage() != null) {
            var fp = d.failurePercentage();
            b.setEnforcingFailurePercentage(UInt32Value.of(100));
            if (fp.minimumHosts() != null) b.setFailurePercentageMinimumHosts(UInt32Value.of(fp.minimumHosts()));
            if (fp.requestVolume() != null) b.setFailurePercentageRequestVolume(UInt32Value.of(fp.requestVolume()));
            if (fp.threshold() != null) b.setFailurePercentageThreshold(UInt32Value.of(fp.threshold()));
        }
        return b;
    }
}
