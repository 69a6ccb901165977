package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.codec.Json;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MeshTCPRoute, MeshPassthrough and MeshProxyPatch on the running zone: policies written through the REST API reach
 * the Envoy config of a dataplane ({@code _config}, what a sidecar would receive), and a flavour a policy does not apply
 * to says so in {@code _policies} ({@code notApplied}) for a connected proxyless gRPC client.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutePoliciesInspectionTest {
    static final String MESH = XdsTestPort.MESH;
    static final Duration CONVERGE = Duration.ofSeconds(30);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void mesh() {
        RestAssuredYaml.enable();
        int code = given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode();
        assertThat(code).isIn(200, 201);
    }

    @AfterAll
    void cleanup() throws Exception {
        for (AutoCloseable c : closeables) c.close();
    }

    static void put(String plural, String name, String yaml) {
        int code = given().contentType("application/yaml").body(yaml).put("/meshes/" + MESH + "/" + plural + "/" + name).statusCode();
        assertThat(code).as("put %s/%s", plural, name).isIn(200, 201);
    }

    static void delete(String plural, String name) {
        given().delete("/meshes/" + MESH + "/" + plural + "/" + name).then().statusCode(200);
    }

    static JsonNode get(String path) throws IOException {
        return Json.JSON.readTree(given().get(path).then().statusCode(200).extract().asByteArray());
    }

    static void dataplane(String name, String address, String service, String version, String outbound) {
        put("dataplanes", name, """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: %s
                  inbound:
                    - port: 5432
                      tags: {kuma.io/service: %s, version: %s}
                %s""".formatted(MESH, name, address, service, version, outbound));
    }

    /** The proxyless client {@link XdsTestPort#NODE_ID}, connected to the zone (it has called a backend). */
    void connectProxylessClient(String service) throws Exception {
        EchoBackend b = new EchoBackend(service + "-1");
        closeables.add(b);
        put("dataplanes", service + "-1", """
                type: Dataplane
                mesh: %s
                name: %s-1
                networking:
                  address: 127.0.0.1
                  inbound:
                    - port: %d
                      tags: {kuma.io/service: %s, kuma.io/protocol: grpc}
                """.formatted(MESH, service, b.port(), service));
        ManagedChannel ch = XdsChannels.channel(XdsTestPort.port(), XdsTestPort.NODE_ID, TestTokens.dataplane(MESH), service);
        closeables.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        Await.until(service + " reachable", CONVERGE, () -> EchoBackend.call(ch, "hi", 2000).equals(service + "-1"));
    }

    @Test
    void meshTcpRouteSplitsAnEnvoyDataplanesTcpDestinationAndSaysItDoesNotApplyToProxyless() throws Exception {
        dataplane("tcpr-db-v1", "10.9.0.1", "tcpr-db", "v1", "");
        dataplane("tcpr-db-v2", "10.9.0.2", "tcpr-db", "v2", "");
        dataplane("tcpr-web", "10.9.0.3", "tcpr-web", "v1", """
                  outbound:
                    - port: 15432
                      tags: {kuma.io/service: tcpr-db}
                """);
        put("meshtcproutes", "tcpr-split", """
                type: MeshTCPRoute
                mesh: %s
                name: tcpr-split
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: tcpr-db}
                      rules:
                        - default:
                            backendRefs:
                              - {kind: MeshServiceSubset, name: tcpr-db, tags: {version: v1}, weight: 80}
                              - {kind: MeshServiceSubset, name: tcpr-db, tags: {version: v2}, weight: 20}
                """.formatted(MESH));
        String web = "/meshes/" + MESH + "/dataplanes/tcpr-web";
        Await.until("the split reaches tcpr-web's config", CONVERGE, () -> get(web + "/_config").toString().contains("tcpr-db_version=v2"));
        JsonNode config = get(web + "/_config");
        assertThat(config.get("flavour").asText()).isEqualTo("envoy");
        JsonNode listener = null;
        for (JsonNode l : config.get("listeners")) if (l.get("name").asText().equals("outbound:127.0.0.1:15432")) listener = l;
        assertThat(listener).as("tcpr-db's outbound listener").isNotNull();
        JsonNode tcp = listener.get("filterChains").get(0).get("filters").get(0).get("typedConfig");
        assertThat(tcp.get("@type").asText()).endsWith("TcpProxy");
        assertThat(tcp.get("weightedClusters").get("clusters").toString())
                .isEqualTo("[{\"name\":\"tcpr-db_version=v1\",\"weight\":80},{\"name\":\"tcpr-db_version=v2\",\"weight\":20}]");
        // each subset's endpoints: its own dataplane only
        for (JsonNode e : config.get("endpoints")) {
            String name = e.get("clusterName").asText();
            if (name.startsWith("tcpr-db_version=")) {
                String address = e.get("endpoints").get(0).get("lbEndpoints").get(0).get("endpoint").get("address").get("socketAddress").get("address").asText();
                assertThat(address).isEqualTo(name.endsWith("v1") ? "10.9.0.1" : "10.9.0.2");
            }
        }
        JsonNode envoyPolicies = policyOfType(get(web + "/_policies"), "MeshTCPRoute");
        assertThat(envoyPolicies.get("matched").get(0).has("notApplied")).as("applied to an Envoy dataplane").isFalse();

        connectProxylessClient("tcpr-grpc");
        JsonNode proxyless = policyOfType(get("/meshes/" + MESH + "/dataplanes/grpc-client/_policies"), "MeshTCPRoute");
        JsonNode note = proxyless.get("matched").get(0).get("notApplied").get(0);
        assertThat(note.get("field").asText()).isEqualTo("spec");
        assertThat(note.get("message").asText()).contains("proxyless gRPC clients");
        delete("meshtcproutes", "tcpr-split");
    }

    @Test
    void meshPassthroughIsAcceptedWithAWarningAndListedAsNotApplied() throws Exception {
        dataplane("pt-web", "10.9.1.1", "pt-web", "v1", "");
        String yaml = """
                type: MeshPassthrough
                mesh: %s
                name: pt-matched
                spec:
                  targetRef: {kind: Dataplane, name: pt-web}
                  default:
                    passthroughMode: Matched
                    appendMatch:
                      - {type: Domain, value: httpbin.org, port: 443, protocol: tls}
                """.formatted(MESH);
        String warning = given().contentType("application/yaml").body(yaml).put("/meshes/" + MESH + "/meshpassthroughs/pt-matched")
                .then().statusCode(org.hamcrest.Matchers.isOneOf(200, 201)).extract().header("Warning");
        assertThat(warning).contains("spec.default").contains("not applied yet");
        String web = "/meshes/" + MESH + "/dataplanes/pt-web";
        Await.until("the policy selects pt-web", CONVERGE, () -> get(web + "/_policies").toString().contains("pt-matched"));
        JsonNode note = policyOfType(get(web + "/_policies"), "MeshPassthrough").get("matched").get(0).get("notApplied").get(0);
        assertThat(note.get("field").asText()).isEqualTo("spec.default");
        assertThat(note.get("message").asText()).contains("no transparent-proxy outbound (passthrough) listener");
        // and nothing was rendered for it: no passthrough listener or cluster
        assertThat(get(web + "/_config").toString()).doesNotContain("passthrough").doesNotContain("httpbin.org");
        delete("meshpassthroughs", "pt-matched");
    }

    @Test
    void meshProxyPatchEditsAnEnvoyDataplanesConfigLeavesItAsItWasWhenItWouldBreakItAndIsNotAppliedToProxyless() throws Exception {
        dataplane("pp-web", "10.9.2.1", "pp-web", "v1", "");
        String web = "/meshes/" + MESH + "/dataplanes/pp-web";
        put("meshproxypatches", "pp-tweaks", """
                type: MeshProxyPatch
                mesh: %s
                name: pp-tweaks
                spec:
                  targetRef: {kind: Dataplane, name: pp-web}
                  default:
                    appendModifications:
                      - cluster:
                          operation: Add
                          value: |
                            name: pp-audit
                            connectTimeout: 2s
                            type: STATIC
                      - listener:
                          operation: Patch
                          match: {origin: inbound}
                          value: |
                            perConnectionBufferLimitBytes: 32768
                """.formatted(MESH));
        Await.until("pp-tweaks reaches pp-web's config", CONVERGE, () -> get(web + "/_config").toString().contains("pp-audit"));
        JsonNode config = get(web + "/_config");
        JsonNode inbound = null;
        for (JsonNode l : config.get("listeners")) if (l.get("name").asText().equals("inbound:10.9.2.1:5432")) inbound = l;
        assertThat(inbound).as("pp-web's inbound listener").isNotNull();
        assertThat(inbound.get("perConnectionBufferLimitBytes").asInt()).isEqualTo(32768);
        JsonNode versions = config.get("versions");

        // Two policies whose edits would break it (as specific as pp-tweaks, and applied after it: their names sort
        // first): Envoy would refuse a negative connect timeout, and a JSON pointer that names nothing does not apply.
        // pp-web's config stays as it was; _policies says why, per policy.
        put("meshproxypatches", "pp-broken-timeout", """
                type: MeshProxyPatch
                mesh: %s
                name: pp-broken-timeout
                spec:
                  targetRef: {kind: Dataplane, name: pp-web}
                  default:
                    appendModifications:
                      - cluster:
                          operation: Patch
                          match: {name: pp-audit}
                          value: |
                            connectTimeout: -1s
                """.formatted(MESH));
        put("meshproxypatches", "pp-broken-pointer", """
                type: MeshProxyPatch
                mesh: %s
                name: pp-broken-pointer
                spec:
                  targetRef: {kind: Dataplane, name: pp-web}
                  default:
                    appendModifications:
                      - listener:
                          operation: Patch
                          jsonPatches:
                            - {op: replace, path: /no/such/field, value: 1}
                """.formatted(MESH));
        Await.until("both reported for pp-web", CONVERGE, () -> get(web + "/_config").path("policiesLeftOut").size() == 2);
        assertThat(get(web + "/_config").get("versions")).as("pp-web's config as it was").isEqualTo(versions);
        JsonNode matched = policyOfType(get(web + "/_policies"), "MeshProxyPatch").get("matched");
        for (JsonNode m : matched) {
            switch (m.get("name").asText()) {
                case "pp-tweaks" -> assertThat(m.has("notApplied")).as("pp-tweaks applies").isFalse();
                case "pp-broken-timeout" -> {
                    JsonNode note = m.get("notApplied").get(0);
                    assertThat(note.get("field").asText()).isEqualTo("spec.default.appendModifications[0]");
                    assertThat(note.get("message").asText()).contains("cluster \"pp-audit\"").contains("connect_timeout: must be > 0s");
                }
                case "pp-broken-pointer" -> {
                    JsonNode note = m.get("notApplied").get(0);
                    assertThat(note.get("field").asText()).isEqualTo("spec.default.appendModifications[0]");
                    assertThat(note.get("message").asText()).contains("no value at /no/such/field");
                }
                default -> throw new AssertionError("unexpected " + m);
            }
        }
        assertThat(matched).hasSize(3);

        // Proxyless: accepted, not applied, and said so.
        put("meshproxypatches", "pp-mesh", """
                type: MeshProxyPatch
                mesh: %s
                name: pp-mesh
                spec:
                  targetRef: {kind: Mesh}
                  default:
                    appendModifications:
                      - cluster: {operation: Remove, match: {name: pp-no-such-cluster}}
                """.formatted(MESH));
        connectProxylessClient("pp-grpc");
        String client = "/meshes/" + MESH + "/dataplanes/grpc-client/_policies";
        Await.until("pp-mesh selects the proxyless client", CONVERGE, () -> get(client).toString().contains("pp-mesh"));
        JsonNode note = policyOfType(get(client), "MeshProxyPatch").get("matched").get(0).get("notApplied").get(0);
        assertThat(note.get("field").asText()).isEqualTo("spec");
        assertThat(note.get("message").asText()).contains("not applied to proxyless gRPC dataplanes");
        for (String p : List.of("pp-tweaks", "pp-broken-timeout", "pp-broken-pointer", "pp-mesh")) delete("meshproxypatches", p);
    }

    static JsonNode policyOfType(JsonNode policies, String type) {
        for (JsonNode p : policies.get("policies")) if (p.get("type").asText().equals(type)) return p;
        throw new AssertionError("no " + type + " in " + policies.toPrettyString());
    }
}
