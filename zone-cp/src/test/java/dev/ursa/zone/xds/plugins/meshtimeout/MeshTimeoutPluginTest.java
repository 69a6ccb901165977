package dev.ursa.zone.xds.plugins.meshtimeout;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshTimeoutPluginTest {
    // timeouts, Envoy: inbound (from Mesh): HCM common_http_protocol_options.idle_timeout 20s and route timeout 5s;
    // outbound to every service: cluster connect_timeout 2s, HCM idle_timeout 1h and stream_idle_timeout 30m, route
    // timeout 15s, db's tcp_proxy idle_timeout 1h; backend's more specific policy: route timeout 3s,
    // max_stream_duration 10s, HCM request_headers_timeout 1s. The inbound's local cluster keeps the default 5s.
    @Test
    void timeouts_envoy() throws Exception {
        Golden.check(getClass(), "timeouts", Flavour.ENVOY);
    }

    // timeouts, proxyless: grpc-java takes the call deadline from the route's max_stream_duration: backend 3s (its
    // requestTimeout), the others 15s; connect_timeout 2s on every cluster.
    @Test
    void timeouts_proxyless() throws Exception {
        Golden.check(getClass(), "timeouts", Flavour.PROXYLESS);
    }

}
