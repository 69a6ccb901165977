package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.codec.Json;
import dev.ursa.testsupport.Await;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dataplane documents with the sections Ursa keeps but does not render (zone proxy listeners, transparent proxying,
 * the admin port, service probes, the proxy's own metrics, virtual probes, builtin gateways) through the running
 * zone's REST API: accepted with one {@code Warning} per section, read back as written, and rendered exactly as the
 * same Dataplane without them (so the warnings say the truth); invalid ones refused with Kuma's field paths.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class DataplaneDocumentsZoneTest {
    static final String MESH = "dp-documents";
    static final String PATH = "/meshes/" + MESH + "/dataplanes/";
    static final Duration CONVERGE = Duration.ofSeconds(30);

    /** A sidecar with every section the renderer does not use. */
    static final String FULL = """
            type: Dataplane
            mesh: %s
            name: full
            networking:
              address: 10.0.0.7
              admin: {port: 9901}
              inbound:
                - port: 8080
                  servicePort: 18080
                  tags: {kuma.io/service: docs-backend, kuma.io/protocol: http}
                  serviceProbe: {interval: 10s, timeout: 2s, unhealthyThreshold: 3, healthyThreshold: 1, tcp: {}}
              outbound:
                - port: 20001
                  tags: {kuma.io/service: docs-backend}
              transparentProxying:
                redirectPortInbound: 15006
                redirectPortOutbound: 15001
                ipFamilyMode: DualStack
                reachableBackends:
                  refs: [{kind: MeshService, name: docs-backend, port: 8080}]
              listeners:
                - {type: ZoneIngress, address: 10.0.0.7, port: 10001, name: zi, state: Ready}
                - {type: ZoneEgress, address: "fd00::7", port: 10002}
            metrics:
              type: prometheus
              conf: {port: 5670, path: /metrics, aggregate: [{name: app, port: 9102, path: /stats}], somethingNew: 1}
            probes:
              port: 9000
              endpoints: [{inboundPort: 8080, inboundPath: /healthz, path: /8080/healthz}]
            """.formatted(MESH);

    /** The same proxy without them. */
    static final String PLAIN = """
            type: Dataplane
            mesh: %s
            name: plain
            networking:
              address: 10.0.0.7
              inbound:
                - port: 8080
                  servicePort: 18080
                  tags: {kuma.io/service: docs-backend, kuma.io/protocol: http}
              outbound:
                - port: 20001
                  tags: {kuma.io/service: docs-backend}
            """.formatted(MESH);

    @BeforeEach
    void mesh() {
        RestAssuredYaml.enable();
        assertThat(given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode())
                .isIn(200, 201);
    }

    @AfterEach
    void deleteMesh() {
        given().delete("/meshes/" + MESH).then().statusCode(200);
    }

    @Test
    void sectionsNotRenderedAreKeptWarnedAboutAndChangeNothing() throws Exception {
        Response written = put("full", FULL);
        assertThat(written.statusCode()).as(written.asString()).isEqualTo(201);
        List<String> warnings = written.getHeaders().getValues("Warning");
        assertThat(warnings).allSatisfy(w -> assertThat(w).startsWith("299 ursa \"").contains("no effect"));
        assertThat(warnings).extracting(w -> w.substring("299 ursa \"".length(), w.indexOf(':'))).containsExactly(
                "networking.listeners", "networking.transparentProxying", "networking.admin", "networking.inbound[0].serviceProbe",
                "metrics", "probes");

        // read back as written, in JSON and in YAML
        JsonNode sent = Json.YAML.readTree(FULL);
        assertSameDocument(sent, Json.JSON.readTree(given().accept("application/json").get(PATH + "full").then().statusCode(200).extract().asByteArray()));
        assertSameDocument(sent, Json.YAML.readTree(given().accept("application/yaml").get(PATH + "full").then().statusCode(200).extract().asByteArray()));

        Response plain = put("plain", PLAIN);
        assertThat(plain.statusCode()).isEqualTo(201);
        assertThat(plain.getHeaders().getValues("Warning")).isEmpty();

        // rendered alike: each sees both as endpoints of docs-backend, and nothing of the extra sections
        // both rendered from one view of the mesh (each is an endpoint of docs-backend), then compared whole
        Await.until("both dataplanes rendered from the same mesh view", CONVERGE, () -> endpointCount(config("full")) > 0
                && config("full").get("endpoints").equals(config("plain").get("endpoints")));
        for (String part : List.of("listeners", "routes", "clusters", "endpoints")) {
            assertThat(config("full").get(part)).as(part).isEqualTo(config("plain").get(part));
        }
        String rendered = config("full").get("listeners").toString() + config("full").get("clusters");
        assertThat(rendered).contains("inbound:10.0.0.7:8080").doesNotContain(":10001").doesNotContain(":5670").doesNotContain(":9000");
    }

    @Test
    void aBuiltinGatewayIsAcceptedWithAWarning() {
        Response written = put("edge", """
                type: Dataplane
                mesh: %s
                name: edge
                networking:
                  address: 10.0.0.8
                  gateway: {type: BUILTIN, tags: {kuma.io/service: docs-edge}}
                """.formatted(MESH));
        assertThat(written.statusCode()).isEqualTo(201);
        assertThat(written.getHeaders().getValues("Warning")).singleElement().asString()
                .startsWith("299 ursa \"networking.gateway.type:").contains("no MeshGateway");
    }

    @Test
    void invalidSectionsAreRefusedWithKumasPathsAndNothingIsStored() throws Exception {
        Response r = given().contentType("application/yaml").accept("application/json").body("""
                type: Dataplane
                mesh: %s
                name: bad
                networking:
                  address: 10.0.0.9
                  inbound:
                    - {port: 8080, name: http, tags: {kuma.io/service: docs-backend}}
                  transparentProxying:
                    reachableBackends: {refs: [{kind: MeshService}]}
                  listeners:
                    - {type: ZoneIngress, address: 10.0.0.9, port: 8080, name: http}
                    - {address: "not valid!", port: 0}
                metrics: {type: statsd}
                probes: {port: 9000, endpoints: [{inboundPort: 8080, inboundPath: healthz, path: /h}]}
                """.formatted(MESH)).put(PATH + "bad");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        List<String> causes = new ArrayList<>();
        Json.JSON.readTree(r.asByteArray()).get("causes").forEach(c -> causes.add(c.get("field").asText() + ": " + c.get("message").asText()));
        assertThat(causes).containsExactly(
                "networking.transparentProxing.reachableBackends.refs[0].name: name or labels are required",
                "probes.endpoints[0].inboundPath: should be a valid URL Path",
                "metrics.type: unknown backend type. Available backends: \"prometheus\"",
                "networking.listeners[0].name: name \"http\" must be unique across inbounds and listeners",
                "networking.listeners[0]: address:port 10.0.0.9:8080 collides with an inbound listener",
                "networking.listeners[1].type: type must be ZoneIngress or ZoneEgress",
                "networking.listeners[1].address: address has to be valid IP address or domain name",
                "networking.listeners[1].port: port must be in the range [1, 65535]");
        given().get(PATH + "bad").then().statusCode(404);

        Response unknownField = put("bad", """
                type: Dataplane
                mesh: %s
                name: bad
                networking:
                  address: 10.0.0.9
                  listeners: [{type: ZoneIngress, address: 10.0.0.9, port: 10001, adress: typo}]
                """.formatted(MESH));
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.asString()).contains("networking.listeners[0].adress");
    }

    private static Response put(String name, String yaml) {
        return given().contentType("application/yaml").accept("application/json").body(yaml).put(PATH + name);
    }

    private static JsonNode config(String name) throws Exception {
        Response r = given().accept("application/json").get(PATH + name + "/_config");
        if (r.statusCode() != 200) throw new AssertionError(name + "'s _config: " + r.statusCode());
        return Json.JSON.readTree(r.asByteArray());
    }

    private static int endpointCount(JsonNode config) {
        int n = 0;
        for (JsonNode e : config.path("endpoints")) {
            for (JsonNode locality : e.path("endpoints")) n += locality.path("lbEndpoints").size();
        }
        return n;
    }

    /** What was sent, plus the server's meta (times, version) and labels defaulting to {}. */
    private static void assertSameDocument(JsonNode sent, JsonNode got) {
        ObjectNode expected = sent.deepCopy();
        expected.putObject("labels");
        ObjectNode actual = got.deepCopy();
        actual.remove(List.of("creationTime", "modificationTime", "version"));
        assertThat(actual).isEqualTo(expected);
    }
}
