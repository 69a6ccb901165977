package dev.ursa.zone.xds.plugins.meshcircuitbreaker;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshCircuitBreakerPluginTest {
    // breakers, Envoy: backend's cluster gets circuit_breakers.thresholds (max_connections 100, max_pending_requests 50,
    // max_requests 200, max_retries 3) and outlier_detection: consecutive_5xx 5, interval 5s, base_ejection_time 30s,
    // max_ejection_percent 20, success rate (minimum hosts 3, volume 10, stdev factor 1.9 -> success_rate_stdev_factor
    // 1900, in thousandths) and failure percentage (threshold 85); grpc-api and db clusters untouched.
    @Test
    void breakers_envoy() throws Exception {
        Golden.check(getClass(), "breakers", Flavour.ENVOY);
    }

    // breakers, proxyless: what grpc-java reads of it only: max_requests 200 and outlier_detection's success-rate and
    // failure-percentage ejection (no connection or pending limits, no consecutive_5xx).
    @Test
    void breakers_proxyless() throws Exception {
        Golden.check(getClass(), "breakers", Flavour.PROXYLESS);
    }

    // stdev-factor-clamped, Envoy: factor 5000000.5 x 1000 does not fit uint32: success_rate_stdev_factor is
    // 4294967295 (saturated), not the wrapped 705032704 an int cast gave.
    @Test
    void stdevFactorClamped_envoy() throws Exception {
        Golden.check(getClass(), "stdev-factor-clamped", Flavour.ENVOY);
    }
}
