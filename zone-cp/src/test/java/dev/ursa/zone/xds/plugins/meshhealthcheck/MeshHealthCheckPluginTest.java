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

}
