package dev.ursa.zone.xds.plugins.meshhealthcheck;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshHealthCheckPluginTest {
    // health-checks, Envoy: one active health check per cluster: backend HTTP GET /health with expected_statuses 200 and
    // 204 as half-open ranges [200,201) and [204,205), and common_lb_config.healthy_panic_threshold 60; grpc-api a
    // grpc_health_check of service grpc.health.v1.Health; db a tcp_health_check whose send/receive (base64 in the
    // policy) are hex text payloads ("ping" 70696e67, "pong" 706f6e67). Intervals, timeouts, thresholds as written.
    @Test
    void healthChecks_envoy() throws Exception {
        Golden.check(getClass(), "health-checks", Flavour.ENVOY);
    }

    @Test
    void absentHeaderValue_envoy() throws Exception {
        Golden.check(getClass(), "absent-header-value", Flavour.ENVOY);
    }

    // health-checks, proxyless: no cluster gets health_checks (gRPC clients do no active health checking; they rely on
    // the endpoint health the control plane sends).
    @Test
    void healthChecks_proxyless() throws Exception {
        Golden.check(getClass(), "health-checks", Flavour.PROXYLESS);
    }

    // protocol-fallback, Envoy: backend (HTTP) an http_health_check path /ready with request header x-probe: health
    // (OVERWRITE_IF_EXISTS_OR_ADD); grpc-api (gRPC, no grpc section) falls back to a tcp_health_check with no payload
    // (a connect check); db's own item disables TCP, so db has no health check. Both checks: interval 15s, timeout 3s,
    // unhealthy 4, healthy 2, initial_jitter 1s, interval_jitter 2s, interval_jitter_percent 10, no_traffic_interval
    // 30s, reuse_connection false, always_log_health_check_failures true.
    @Test
    void protocolFallback_envoy() throws Exception {
        Golden.check(getClass(), "protocol-fallback", Flavour.ENVOY);
    }

    // protocol-fallback, proxyless: no health checks on any cluster.
    @Test
    void protocolFallback_proxyless() throws Exception {
        Golden.check(getClass(), "protocol-fallback", Flavour.PROXYLESS);
    }
}
