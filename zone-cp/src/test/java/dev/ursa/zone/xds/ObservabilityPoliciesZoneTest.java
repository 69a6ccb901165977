package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.testsupport.Await;
import dev.ursa.mesh.envoy.EnvoyConstraints;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import dev.ursa.zone.xds.RunningZone.ProxylessClient;

import java.util.List;

import static dev.ursa.zone.xds.RunningZone.CONVERGE;
import static dev.ursa.zone.xds.RunningZone.MESH;
import static dev.ursa.zone.xds.RunningZone.cluster;
import static dev.ursa.zone.xds.RunningZone.delete;
import static dev.ursa.zone.xds.RunningZone.listener;
import static dev.ursa.zone.xds.RunningZone.matched;
import static dev.ursa.zone.xds.RunningZone.put;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MeshAccessLog (and the other observability policies) through the running zone: written over the REST API, rendered
 * into an Envoy dataplane's {@code _config} (checked against Envoy's proto constraints), and said to be not applied to a
 * real proxyless grpc-java client, which keeps calling through its xDS config.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityPoliciesZoneTest {
    private static final EnvoyConstraints ENVOY = new EnvoyConstraints(XdsJson.TYPES);
    private ProxylessClient proxyless;
    private static final String WEB = "/meshes/" + MESH + "/dataplanes/obs-web-1";
    private static final String CLIENT = "/meshes/" + MESH + "/dataplanes/grpc-client";

    /** Per test (RestAssured knows the app's port only once a test runs; nothing is left for other test classes). */
    @BeforeEach
    void meshAndDataplanes() throws Exception {
        RunningZone.mesh();
        proxyless = ProxylessClient.connect("obs-backend");
        put("dataplanes", "obs-web-1", """
                type: Dataplane
                mesh: %s
                name: obs-web-1
                networking:
                  address: 127.0.0.1
                  inbound:
                    - port: 28080
                      servicePort: 18080
                      tags: {kuma.io/service: obs-web, kuma.io/protocol: http}
                  outbound:
                    - port: 20001
                      tags: {kuma.io/service: obs-backend}
                """.formatted(MESH));
    }

    @AfterEach
    void cleanup() throws Exception {
        delete("dataplanes", "obs-web-1");
        delete("dataplanes", "obs-backend-1");
        proxyless.close();
    }

    @Test
    void meshAccessLogReachesAnEnvoyDataplaneAndIsSaidNotAppliedToAProxylessClient() throws Exception {
        var written = given().contentType("application/yaml").body("""
                type: MeshAccessLog
                mesh: %s
                name: obs-logs
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: Mesh}
                      default:
                        backends:
                          - type: File
                            file:
                              path: /var/log/obs-outbound.log
                              format: {type: Plain, plain: '%%KUMA_SOURCE_SERVICE%%->%%KUMA_DESTINATION_SERVICE%% %%RESPONSE_CODE%%'}
                          - type: OpenTelemetry
                            openTelemetry: {endpoint: 'otel-collector:4317'}
                  from:
                    - targetRef: {kind: Mesh}
                      default:
                        backends:
                          - type: File
                            file: {path: /var/log/obs-inbound.log}
                """.formatted(MESH)).put("/meshes/" + MESH + "/meshaccesslogs/obs-logs");
        assertThat(written.statusCode()).isIn(200, 201);
        try {
            String base = "/meshes/" + MESH + "/dataplanes/obs-web-1";
            Await.until("the access log reaches obs-web-1's config", CONVERGE,
                    () -> given().get(base + "/_config").asString().contains("/var/log/obs-outbound.log"));
            JsonNode config = Json.JSON.readTree(given().get(base + "/_config").then().statusCode(200).extract().asByteArray());
            assertThat(config.get("flavour").asText()).isEqualTo("envoy");
            JsonNode outbound = listener(config, "outbound:127.0.0.1:20001");
            assertThat(outbound.toString())
                    .contains("\"path\":\"/var/log/obs-outbound.log\"")
                    .contains("\"inlineString\":\"obs-web->obs-backend %RESPONSE_CODE%\\n\"")
                    .contains("\"clusterName\":\"meshaccesslog:opentelemetry:0\"");
            assertThat(listener(config, "inbound:127.0.0.1:28080").toString()).contains("\"path\":\"/var/log/obs-inbound.log\"");
            JsonNode collector = null;
            for (JsonNode c : config.get("clusters")) if (c.get("name").asText().equals("meshaccesslog:opentelemetry:0")) collector = c;
            assertThat(collector).as("collector cluster").isNotNull();
            assertThat(collector.toString()).contains("\"address\":\"otel-collector\"").contains("\"portValue\":4317");
            // what Envoy would check before accepting it
            for (JsonNode l : config.get("listeners")) {
                assertThat(ENVOY.violations(XdsJson.parse(l.toString(), Listener.newBuilder()))).as(l.get("name").asText()).isEmpty();
            }
            assertThat(ENVOY.violations(XdsJson.parse(collector.toString(), Cluster.newBuilder()))).isEmpty();

            // A real proxyless client keeps calling, gets no access log and is told so.
            proxyless.awaitReachable();
            String client = "/meshes/" + MESH + "/dataplanes/grpc-client";
            JsonNode clientConfig = Json.JSON.readTree(given().get(client + "/_config").then().statusCode(200).extract().asByteArray());
            assertThat(clientConfig.get("flavour").asText()).isEqualTo("proxyless");
            assertThat(clientConfig.toString()).doesNotContain("accessLog").doesNotContain("meshaccesslog");
            JsonNode notApplied = matched(client + "/_policies", "MeshAccessLog", "obs-logs").get("notApplied");
            assertThat(notApplied.toString()).contains("not applied to proxyless gRPC dataplanes");
            // ... while the Envoy dataplane has nothing not applied
            assertThat(matched(base + "/_policies", "MeshAccessLog", "obs-logs").get("notApplied")).isNull();
        } finally {
            given().delete("/meshes/" + MESH + "/meshaccesslogs/obs-logs").then().statusCode(200);
        }
    }

    @Test
    void whatIsKeptButNotAppliedIsSaidInAWarningHeader() {
        var written = given().contentType("application/yaml").body("""
                type: MeshAccessLog
                mesh: %s
                name: obs-matches
                spec:
                  targetRef: {kind: Dataplane, name: nobody}
                  rules:
                    - matches: [{spiffeID: {type: Exact, value: 'spiffe://xds-test/web'}}]
                      default:
                        backends: [{type: File, file: {path: /dev/stdout}}]
                """.formatted(MESH)).put("/meshes/" + MESH + "/meshaccesslogs/obs-matches");
        try {
            assertThat(written.statusCode()).isIn(200, 201);
            assertThat(written.getHeaders().getValues("Warning")).singleElement().asString()
                    .startsWith("299 ursa").contains("spec.rules[0].matches").contains("not applied");
        } finally {
            given().delete("/meshes/" + MESH + "/meshaccesslogs/obs-matches").then().statusCode(200);
        }
    }

    @Test
    void meshTraceReachesAnEnvoyDataplaneAndIsSaidNotAppliedToAProxylessClient() throws Exception {
        put("meshtraces", "obs-trace", """
                type: MeshTrace
                mesh: %s
                name: obs-trace
                spec:
                  targetRef: {kind: Mesh}
                  default:
                    backends:
                      - type: Zipkin
                        zipkin: {url: 'http://jaeger-collector:9411/api/v2/spans'}
                    sampling: {overall: 25}
                    tags:
                      - {name: team, literal: observability}
                """.formatted(MESH));
        try {
            Await.until("tracing reaches obs-web-1's config", CONVERGE,
                    () -> given().get(WEB + "/_config").asString().contains("envoy.tracers.zipkin"));
            JsonNode config = Json.JSON.readTree(given().get(WEB + "/_config").then().statusCode(200).extract().asByteArray());
            for (String name : List.of("outbound:127.0.0.1:20001", "inbound:127.0.0.1:28080")) {
                assertThat(listener(config, name).toString()).as(name)
                        .contains("\"collectorCluster\":\"meshtrace:zipkin\"")
                        .contains("\"collectorEndpoint\":\"/api/v2/spans\"")
                        .contains("\"overallSampling\":{\"value\":25.0}")
                        .contains("{\"tag\":\"team\",\"literal\":{\"value\":\"observability\"}}");
            }
            JsonNode collector = cluster(config, "meshtrace:zipkin");
            assertThat(collector.toString()).contains("\"address\":\"jaeger-collector\"").contains("\"portValue\":9411");
            for (JsonNode l : config.get("listeners")) {
                assertThat(ENVOY.violations(XdsJson.parse(l.toString(), Listener.newBuilder()))).as(l.get("name").asText()).isEmpty();
            }
            assertThat(ENVOY.violations(XdsJson.parse(collector.toString(), Cluster.newBuilder()))).isEmpty();

            proxyless.awaitReachable();
            JsonNode clientConfig = Json.JSON.readTree(given().get(CLIENT + "/_config").then().statusCode(200).extract().asByteArray());
            assertThat(clientConfig.get("flavour").asText()).isEqualTo("proxyless");
            assertThat(clientConfig.toString()).doesNotContain("tracing").doesNotContain("meshtrace");
            assertThat(matched(CLIENT + "/_policies", "MeshTrace", "obs-trace").get("notApplied").toString())
                    .contains("not applied to proxyless gRPC dataplanes");
            assertThat(matched(WEB + "/_policies", "MeshTrace", "obs-trace").get("notApplied")).isNull();
        } finally {
            given().delete("/meshes/" + MESH + "/meshtraces/obs-trace").then().statusCode(200);
        }
    }

    @Test
    void meshMetricIsAcceptedAndSaidNotAppliedYet() throws Exception {
        var written = given().contentType("application/yaml").body("""
                type: MeshMetric
                mesh: %s
                name: obs-metrics
                spec:
                  targetRef: {kind: Mesh}
                  default:
                    backends:
                      - type: Prometheus
                        prometheus: {port: 5670, path: /metrics}
                """.formatted(MESH)).put("/meshes/" + MESH + "/meshmetrics/obs-metrics");
        try {
            assertThat(written.statusCode()).isIn(200, 201);
            assertThat(written.getHeaders().getValues("Warning")).singleElement().asString()
                    .startsWith("299 ursa").contains("spec.default").contains("not applied yet");
            Await.until("MeshMetric selects obs-web-1", CONVERGE,
                    () -> given().get(WEB + "/_policies").asString().contains("obs-metrics"));
            assertThat(matched(WEB + "/_policies", "MeshMetric", "obs-metrics").get("notApplied").toString()).contains("not applied yet");
            assertThat(given().get(WEB + "/_config").then().statusCode(200).extract().asString()).doesNotContain("5670");
        } finally {
            given().delete("/meshes/" + MESH + "/meshmetrics/obs-metrics").then().statusCode(200);
        }
    }

}
