package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real grpc-java xDS client as a registered dataplane of the zone: {@code _overview} shows it online with the
 * versions it ACKed, then the NACK it sends for a route config it cannot take (a lookahead regex, valid Java but not
 * RE2) with grpc-java's error text, then offline once its channel is shut down (its ADS stream closes).
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class DataplaneOverviewZoneTest {
    static final String MESH = XdsTestPort.MESH;
    static final String NAME = "overview-1";
    /** Bounds for a loaded 2-core machine; the default flush interval (5 s) is inside them. */
    static final Duration CONVERGE = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aGrpcClientIsShownOnlineWithItsVersionsThenItsNackThenOffline() throws Exception {
        RestAssuredYaml.enable();
        assertThat(given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode()).isIn(200, 201);
        try (EchoBackend backend = new EchoBackend(NAME)) {
            XdsAcceptanceTest.register(NAME, "overview", backend, Map.of("version", "v1"));
            ManagedChannel ch = XdsChannels.channel(XdsTestPort.port(), MESH + "." + NAME, TestTokens.dataplane(MESH), "overview");
            try {
                Await.until("calls through xDS", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000).equals(NAME));

                JsonNode online = Await.value("online with its ACKed listeners and routes", CONVERGE, () -> {
                    JsonNode o = overview();
                    JsonNode status = lastSubscription(o).path("status");
                    return "online".equals(o.path("state").asText()) && !status.path("lds").path("lastAckedVersion").asText().isEmpty()
                            && !status.path("rds").path("lastAckedVersion").asText().isEmpty() ? o : null;
                });
                JsonNode sub = lastSubscription(online);
                assertThat(sub.path("controlPlaneInstanceId").asText()).isNotEmpty();
                assertThat(sub.has("disconnectTime")).isFalse();
                assertThat(sub.path("status").path("lds").path("lastAckedVersion").asText())
                        .isEqualTo(sub.path("status").path("lds").path("lastSentVersion").asText());
                assertThat(sub.path("status").path("total").path("responsesAcknowledged").asLong()).isPositive();
                assertThat(online.path("zone").asText()).isEqualTo("test-zone");
                assertThat(online.path("dataplane").path("networking").path("address").asText()).isEqualTo("127.0.0.1");
                JsonNode listed = list("?tag=kuma.io/service:overview&tag=version:v1&state=online");
                assertThat(listed.path("items")).extracting(i -> i.path("name").asText()).containsExactly(NAME);
                assertThat(list("?tag=version:v2").path("items")).extracting(i -> i.path("name").asText()).doesNotContain(NAME);

                XdsAcceptanceTest.apply("meshhttproutes", "overview-bad-regex", """
                        type: MeshHTTPRoute
                        mesh: %s
                        name: overview-bad-regex
                        spec:
                          targetRef: {kind: Mesh}
                          to:
                            - targetRef: {kind: MeshService, name: overview}
                              rules:
                                - matches:
                                    - path: {type: RegularExpression, value: "/(?=x).*"}
                                  default:
                                    backendRefs:
                                      - {kind: MeshService, name: overview}
                        """.formatted(MESH));
                JsonNode nack = Await.value("the NACK with grpc-java's error text", CONVERGE, () -> {
                    JsonNode n = lastSubscription(overview()).path("status").path("lastNack");
                    return n.isMissingNode() ? null : n;
                });
                assertThat(nack.path("type").asText()).endsWith("RouteConfiguration");
                assertThat(nack.path("error").asText()).isNotBlank();
                assertThat(nack.path("version").asText()).isNotBlank()
                        .isNotEqualTo(lastSubscription(overview()).path("status").path("rds").path("lastAckedVersion").asText());
                assertThat(lastSubscription(overview()).path("status").path("rds").path("responsesRejected").asLong()).isPositive();
                System.out.println("[insights] NACK shown: " + nack);
            } finally {
                XdsAcceptanceTest.delete("meshhttproutes", "overview-bad-regex");
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            Duration took = Await.until("offline once the client is gone", CONVERGE, () -> "offline".equals(overview().path("state").asText()));
            System.out.println("[insights] offline " + took.toMillis() + " ms after the channel shut down");
            assertThat(lastSubscription(overview()).has("disconnectTime")).isTrue();
            assertThat(list("?state=offline").path("items")).extracting(i -> i.path("name").asText()).contains(NAME);
            given().get("/global-insight").then().statusCode(404); // the global's
        } finally {
            given().delete("/meshes/" + MESH + "/dataplanes/" + NAME);
        }
    }

    static JsonNode overview() throws Exception {
        return JSON.readTree(given().get("/meshes/" + MESH + "/dataplanes/" + NAME + "/_overview").then().statusCode(200).extract().asString());
    }

    static JsonNode list(String query) throws Exception {
        return JSON.readTree(given().get("/meshes/" + MESH + "/dataplanes/_overview" + query).then().statusCode(200).extract().asString());
    }

    static JsonNode lastSubscription(JsonNode overview) {
        JsonNode subs = overview.path("dataplaneInsight").path("subscriptions");
        return subs.isEmpty() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : subs.get(subs.size() - 1);
    }
}
