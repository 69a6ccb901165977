package dev.ursa.zone.xds.plugins.meshretry;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshRetryPluginTest {
    // retries, Envoy: backend's route retry_policy: retry_on "5xx,gateway-error,retriable-status-codes" with
    // retriable_status_codes [503], num_retries 3, per_try_timeout 0.5s, retry_back_off 25ms..250ms, and HttpMethodGet as
    // retriable_request_headers :method exact GET; grpc-api retry_on "unavailable,resource-exhausted", 2 retries,
    // back-off 10ms..100ms; db's tcp_proxy max_connect_attempts 4.
    @Test
    void retries_envoy() throws Exception {
        Golden.check(getClass(), "retries", Flavour.ENVOY);
    }

    // retries, proxyless: only the gRPC retry policy (grpc-api: unavailable,resource-exhausted, 2 retries, back-off
    // 10ms..100ms); the HTTP and TCP ones have no grpc-java counterpart and are left out.
    @Test
    void retries_proxyless() throws Exception {
        Golden.check(getClass(), "retries", Flavour.PROXYLESS);
    }

    @Test
    void statusCodes_envoy() throws Exception {
        Golden.check(getClass(), "status-codes", Flavour.ENVOY);
    }

}
