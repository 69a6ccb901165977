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

    // mesh-wide, Envoy: grpc-api and db (TCP too: limits and ejection are per cluster) get circuit_breakers thresholds
    // max_connections 1024, max_requests 512, max_connection_pools 8 and outlier_detection interval 10s,
    // base_ejection_time 60s, max_ejection_percent 50, split_external_local_origin_errors, consecutive_gateway_failure 3
    // and consecutive_local_origin_failure 7 enforced at 100, consecutive 5xx, success rate and failure percentage
    // enforced at 0 (Envoy enables consecutive 5xx by default: only named detectors eject). backend: its item merges
    // over the mesh-wide one field by field: max_requests 2048 with the other limits kept, and no outlier_detection
    // (disabled: true).
    @Test
    void meshWide_envoy() throws Exception {
        Golden.check(getClass(), "mesh-wide", Flavour.ENVOY);
    }

    // mesh-wide, proxyless: thresholds max_requests only (512; backend 2048); grpc-api, db and web get an
    // outlier_detection with the interval, ejection time and percentage and success-rate and failure-percentage
    // enforcement 0: the consecutive-failure detectors have no grpc-java counterpart, so nothing ejects; backend none.
    @Test
    void meshWide_proxyless() throws Exception {
        Golden.check(getClass(), "mesh-wide", Flavour.PROXYLESS);
    }

    // inbound, Envoy: the inbound policies (`from` and `rules` selecting web) leave web-1's config as without them:
    // Kuma applies inbound outlier detection and limits to the inbound's local cluster; Ursa renders `to` only, so
    // localhost:18080 carries neither: this golden pins that gap.
    @Test
    void inbound_envoy() throws Exception {
        Golden.check(getClass(), "inbound", Flavour.ENVOY);
    }

    // inbound, proxyless: no inbound side at all; nothing changes.
    @Test
    void inbound_proxyless() throws Exception {
        Golden.check(getClass(), "inbound", Flavour.PROXYLESS);
    }
}
