package dev.ursa.zone.xds.plugins.meshaccesslog;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshAccessLogPluginTest {
    // file-formats, Envoy: inbound HCM access_log envoy.access_loggers.file to /dev/stdout with Kuma's default HTTP
    // format ("unknown" source, destination web, 10.0.0.1 for the source address); backend's HCM: /var/log/envoy/backend.json
    // with json_format {source: "10.0.0.1:0", start_time} and omit_empty_values; grpc-api's HCM and db's tcp_proxy:
    // /var/log/envoy/outbound.log with "[%START_TIME%] default web->grpc-api OUTBOUND zone-1" (db for db) and a newline.
    @Test
    void fileFormats_envoy() throws Exception {
        Golden.check(getClass(), "file-formats", Flavour.ENVOY);
    }

    // file-formats, proxyless: grpc-java has no access logging from xDS: no access_log anywhere.
    @Test
    void fileFormats_proxyless() throws Exception {
        Golden.check(getClass(), "file-formats", Flavour.PROXYLESS);
    }

    // tcp-backend, Envoy: file loggers on /var/run/kuma-al-web-1-default.sock with json_format {address, message}: outbounds
    // message = Kuma's default format for the protocol (HTTP for backend/grpc-api, TCP for db) + newline, address
    // logstash.logging:5000; the inbound's message is the JSON object {destination: web, protocol: %PROTOCOL%}.
    @Test
    void tcpBackend_envoy() throws Exception {
        Golden.check(getClass(), "tcp-backend", Flavour.ENVOY);
    }

    // otel-backend, Envoy: envoy.access_loggers.open_telemetry with log_name MeshAccessLog; outbounds to cluster
    // meshaccesslog:opentelemetry:1 (otel-collector:4317, STRICT_DNS V4_ONLY, HTTP/2) with the kvlist body (mesh
    // "default", status %RESPONSE_CODE%) and attribute service.destination; the inbound to :0 (10.0.9.9:4318, STATIC)
    // with the default HTTP format as body; resource attributes kuma.mesh and kuma.zone. The backendRef backend is skipped.
    @Test
    void otelBackend_envoy() throws Exception {
        Golden.check(getClass(), "otel-backend", Flavour.ENVOY);
    }

    // inbound-tcp, Envoy: the inbound tcp_proxy (stat prefix inbound_8080) gets a file logger to /var/log/inbound.log with
    // Kuma's default TCP format; outbounds have no access_log.
    @Test
    void inboundTcp_envoy() throws Exception {
        Golden.check(getClass(), "inbound-tcp", Flavour.ENVOY);
    }

    @Test
    void proxylessIsSaidNotApplied() {
        assertThat(new MeshAccessLogPlugin().notApplied(Flavour.PROXYLESS)).contains(MeshAccessLogPlugin.PROXYLESS_NOTE);
        assertThat(new MeshAccessLogPlugin().notApplied(Flavour.ENVOY)).isEmpty();
    }
}
