package dev.ursa.zone.xds.plugins.meshtrace;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshTracePluginTest {
    // zipkin, Envoy: HCM tracing on the inbound and on backend's and grpc-api's outbounds (not db's tcp_proxy):
    // spawn_upstream_span false, overall 10, client 20, random 50.5, custom tags app (literal web), client_id (header
    // x-client-id default none), app_code (header), kuma.zone custom-zone (the user's, not overridden), kuma.mesh default;
    // provider envoy.tracers.zipkin: collector_cluster meshtrace:zipkin, endpoint /api/v2/spans, HTTP_PROTO, 128-bit
    // ids, shared span context true (Kuma's default), hostname jaeger-collector:9411. Cluster meshtrace:zipkin
    // STRICT_DNS jaeger-collector:9411, 5s.
    @Test
    void zipkin_envoy() throws Exception {
        Golden.check(getClass(), "zipkin", Flavour.ENVOY);
    }

    // zipkin, proxyless: grpc-java does no tracing from xDS: no tracing, no meshtrace cluster.
    @Test
    void zipkin_proxyless() throws Exception {
        Golden.check(getClass(), "zipkin", Flavour.PROXYLESS);
    }

    // datadog, Envoy: provider envoy.tracers.datadog, collector_cluster meshtrace:datadog (STATIC 127.0.0.1:8126),
    // service_name web_INBOUND on the inbound, web_OUTBOUND_backend and web_OUTBOUND_grpc-api on the outbounds;
    // overall_sampling 5 (web-sampling, more specific, merged over datadog's 100).
    @Test
    void datadog_envoy() throws Exception {
        Golden.check(getClass(), "datadog", Flavour.ENVOY);
    }

    // otel, Envoy: provider envoy.tracers.opentelemetry, grpc_service envoy_grpc meshtrace:opentelemetry, service_name
    // web; cluster meshtrace:opentelemetry STRICT_DNS otel-collector:4317 with HTTP/2; tags kuma.mesh and kuma.zone only.
    @Test
    void otel_envoy() throws Exception {
        Golden.check(getClass(), "otel", Flavour.ENVOY);
    }

    @Test
    void proxylessIsSaidNotApplied() {
        assertThat(new MeshTracePlugin().notApplied(Flavour.PROXYLESS)).contains(MeshTracePlugin.PROXYLESS_NOTE);
        assertThat(new MeshTracePlugin().notApplied(Flavour.ENVOY)).isEmpty();
    }
}
