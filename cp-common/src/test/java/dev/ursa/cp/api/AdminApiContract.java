package dev.ursa.cp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.testing.SampleResources;
import dev.ursa.testsupport.Await;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin REST API as a user sees it, run against a real app by each control plane's test (global, standalone zone),
 * on each store. Subclasses say which types their role lets a user write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AdminApiContract {
    protected static final String JSON = "application/json";
    protected static final String YAML = "application/yaml";

    /** Types this control plane accepts REST writes for. */
    protected abstract List<ResourceType> writableTypes();

    @BeforeEach
    void cleanStore() {
        // Deleting a mesh deletes everything in it; then the types outside meshes.
        for (String path : List.of("/meshes", "/zones", "/zoneingresses")) {
            JsonNode list = json(given().accept(JSON).get(path + "?size=1000"));
            for (JsonNode item : list.get("items")) {
                String name = item.get("name").asText();
                given().delete(path + "/" + name).then().statusCode(200);
            }
        }
        put(ResourceTypes.MESH, "/meshes/default", MESH_WITH_MTLS, YAML).then().statusCode(201);
        // The control plane generates the builtin CA's two Secrets in the background: wait for them, so that tests
        // comparing the store before and after a request see no change of their own.
        Await.until("the builtin CA of mesh default", Duration.ofSeconds(30),
                () -> json(given().accept(JSON).get("/meshes/default/secrets")).get("total").asInt() == 2);
    }

    /** Mesh {@code default} with mTLS on: the MeshTrafficPermission sample matches clients by identity, which needs it. */
    protected static final String MESH_WITH_MTLS = "type: Mesh\nname: default\nmtls:\n  enabledBackend: ca-1\n  backends:\n  - name: ca-1\n    type: builtin\n";

    // ---------------------------------------------------------------- round trips

    @Test
    void everyWritableTypeRoundTripsInJsonAndYaml() throws Exception {
        for (ResourceType type : writableTypes()) {
            String yaml = SampleResources.yaml(type);
            String path = SampleResources.path(type);
            JsonNode sent = Json.YAML.readTree(yaml);

            // JSON in, JSON out
            String json = Json.JSON.writeValueAsString(sent);
            Response created = put(type, path, json, JSON);
            assertThat(created.statusCode()).as("PUT %s %s", type, created.asString()).isEqualTo(201);
            assertThat(created.header("ETag")).isEqualTo("\"1\"");
            JsonNode got = json(given().accept(JSON).get(path).then().statusCode(200).extract().response());
            assertSameResource(type, sent, got);

            // YAML out
            Response asYaml = given().accept(YAML).get(path);
            assertThat(asYaml.contentType()).startsWith(YAML);
            assertSameResource(type, sent, Json.YAML.readTree(asYaml.asByteArray()));

            // YAML in (an update with a label), then delete
            ObjectNode changed = sent.deepCopy();
            changed.putObject("labels").put("changed", "yes");
            Response updated = put(type, path, Json.YAML.writeValueAsString(changed), YAML);
            assertThat(updated.statusCode()).as("update %s: %s", type, updated.asString()).isEqualTo(200);
            assertThat(updated.header("ETag")).isEqualTo("\"2\"");
            assertSameResource(type, changed, json(given().accept(JSON).get(path)));

            if (type != ResourceTypes.MESH || !path.equals("/meshes/default")) {
                given().delete(path).then().statusCode(200);
                given().get(path).then().statusCode(404);
            }
        }
    }

    @Test
    void identicalPutKeepsVersion() {
        ResourceType type = writableTypes().get(writableTypes().size() - 1);
        String path = SampleResources.path(type);
        put(type, path, SampleResources.yaml(type), YAML).then().statusCode(201).header("ETag", "\"1\"");
        put(type, path, SampleResources.yaml(type), YAML).then().statusCode(200).header("ETag", "\"1\"");
    }

    @Test
    void listPagesAndFiltersByLabel() {
        ResourceType type = ResourceTypes.MESH_TIMEOUT;
        if (!writableTypes().contains(type)) type = ResourceTypes.DATAPLANE;
        String base = "/meshes/default/" + type.plural();
        for (int i = 0; i < 7; i++) {
            String doc = SampleResources.yaml(type).replace("name: sample", "name: item-" + i)
                    .replaceFirst("mesh: default\n", "mesh: default\nlabels:\n  parity: " + (i % 2 == 0 ? "even" : "odd") + "\n");
            if (type == ResourceTypes.DATAPLANE) doc = doc.replace("labels:\n  app: backend\n", "");
            put(type, base + "/item-" + i, doc, YAML).then().statusCode(201);
        }
        JsonNode page1 = json(given().accept(JSON).get(base + "?size=3"));
        assertThat(page1.get("total").asInt()).isEqualTo(7);
        assertThat(names(page1)).containsExactly("item-0", "item-1", "item-2");
        String next = page1.get("next").asText();
        assertThat(next).contains("offset=3").contains("size=3");
        JsonNode page3 = json(given().accept(JSON).get(base + "?size=3&offset=6"));
        assertThat(names(page3)).containsExactly("item-6");
        assertThat(page3.get("next").isNull()).isTrue();

        JsonNode odd = json(given().accept(JSON).urlEncodingEnabled(true).queryParam("filter[labels.parity]", "odd").get(base));
        assertThat(names(odd)).containsExactly("item-1", "item-3", "item-5");
        assertThat(odd.get("total").asInt()).isEqualTo(3);

        // Listing across meshes sees them too.
        assertThat(json(given().accept(JSON).get("/" + type.plural())).get("total").asInt()).isEqualTo(7);

        given().get(base + "?size=0").then().statusCode(400);
        given().get(base + "?size=abc").then().statusCode(400);
        given().get(base + "?offset=-1").then().statusCode(400);
    }

    @Test
    void deletingMeshDeletesItsResources() {
        ResourceType type = writableTypes().contains(ResourceTypes.MESH_TIMEOUT) ? ResourceTypes.MESH_TIMEOUT : ResourceTypes.DATAPLANE;
        put(type, SampleResources.path(type), SampleResources.yaml(type), YAML).then().statusCode(201);
        given().delete("/meshes/default").then().statusCode(200);
        given().get(SampleResources.path(type)).then().statusCode(404);
        given().get("/meshes/default").then().statusCode(404);
    }

    @Test
    void ifMatchDecidesConcurrentUpdates() {
        ResourceType type = ResourceTypes.MESH;
        String path = "/meshes/m2";
        put(type, path, "type: Mesh\nname: m2\n", YAML).then().statusCode(201);
        given().header("If-Match", "\"1\"").contentType(YAML).body("type: Mesh\nname: m2\nlabels:\n  a: b\n").put(path)
                .then().statusCode(200).header("ETag", "\"2\"");
        Response stale = given().header("If-Match", "\"1\"").contentType(YAML).body("type: Mesh\nname: m2\nlabels:\n  a: c\n").put(path);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(json(stale).get("title").asText()).isEqualTo("Version conflict");
        assertThat(json(given().accept(JSON).get(path)).get("labels").get("a").asText()).isEqualTo("b");
        given().header("If-None-Match", "*").contentType(YAML).body("type: Mesh\nname: m2\n").put(path).then().statusCode(409);
        given().header("If-Match", "\"1\"").delete(path).then().statusCode(409);
        given().header("If-Match", "\"2\"").delete(path).then().statusCode(200);
    }

    @Test
    void unknownCollectionAndMissingResourceAre404WithErrorBody() {
        Response r = given().accept(JSON).get("/meshes/default/nosuchthings/x");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("details").asText()).contains("nosuchthings");
        Response missing = given().accept(JSON).get("/meshes/default/meshtimeouts/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("details").asText()).contains("nope");
    }

    @Test
    void indexAndOperationalEndpoints() {
        JsonNode index = json(given().accept(JSON).get("/"));
        assertThat(index.get("mode").asText()).isEqualTo(expectedMode());
        assertThat(index.has("version")).isTrue();
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString()).contains("http_server_requests");
        given().get("/q/openapi").then().statusCode(200);
    }

    protected abstract String expectedMode();

    // ---------------------------------------------------------------- bad input changes nothing

    record BadInput(String description, String method, String path, String contentType, byte[] body, String ifMatch,
                    int status, String field, String messageFragment) {
        @Override
        public String toString() {
            return description;
        }
    }

    protected static BadInput bad(String description, String path, String contentType, String body, String field, String fragment) {
        return new BadInput(description, "PUT", path, contentType, body.getBytes(StandardCharsets.UTF_8), null, 400, field, fragment);
    }

    protected List<BadInput> badInputs() {
        String tp = "/meshes/default/meshtimeouts/t1";
        String valid = "{\"type\":\"MeshTimeout\",\"mesh\":\"default\",\"name\":\"t1\",\"spec\":{\"targetRef\":{\"kind\":\"Mesh\"},"
                + "\"to\":[{\"targetRef\":{\"kind\":\"Mesh\"},\"default\":{\"idleTimeout\":\"10s\"}}]}}";
        List<BadInput> list = new ArrayList<>(List.of(
                bad("malformed JSON", tp, JSON, "{\"type\": \"MeshTimeout\", ", "", "malformed JSON"),
                bad("malformed YAML", tp, YAML, "type: MeshTimeout\nspec: [\n", "", "malformed YAML"),
                bad("empty body", tp, JSON, "", "", "empty"),
                bad("JSON array instead of object", tp, JSON, "[1,2]", "", "must be an object"),
                bad("unknown type", tp, JSON, valid.replace("\"MeshTimeout\"", "\"MeshTeleport\""), "type", "unknown type"),
                bad("type differs from path", tp, JSON, valid.replace("\"MeshTimeout\"", "\"MeshRetry\""), "type", "does not match the path"),
                bad("name differs from path", tp, JSON, valid.replace("\"t1\"", "\"t2\""), "name", "does not match"),
                bad("mesh differs from path", tp, JSON, valid.replace("\"mesh\":\"default\"", "\"mesh\":\"other\""), "mesh", "does not match"),
                bad("missing mesh", tp, JSON, valid.replace("\"mesh\":\"default\",", ""), "mesh", "must be defined"),
                bad("missing name", tp, JSON, valid.replace("\"name\":\"t1\",", ""), "name", "must be defined"),
                bad("invalid name", "/meshes/default/meshtimeouts/Bad_Name", JSON, valid.replace("\"t1\"", "\"Bad_Name\""), "name", "lower case"),
                bad("unknown top-level field", tp, JSON, valid.replace("{\"type\"", "{\"colour\":\"red\",\"type\""), "colour", "unknown field"),
                bad("unknown spec field", tp, JSON, valid.replace("\"spec\":{", "\"spec\":{\"speed\":1,"), "spec.speed", "unknown field"),
                bad("wrong value type", tp, JSON, valid.replace("\"kind\":\"Mesh\"", "\"kind\":7"), "spec.targetRef.kind", ""),
                bad("unknown enum value", tp, JSON, valid.replace("\"kind\":\"Mesh\"", "\"kind\":\"Galaxy\""), "spec.targetRef.kind", "must be one of"),
                bad("labels not strings", tp, JSON, valid.replace("\"spec\"", "\"labels\":{\"a\":1},\"spec\""), "labels[\"a\"]", "must be a string"),
                bad("invalid duration", tp, JSON, valid.replace("\"10s\"", "\"soon\""), "spec.to[0].default.idleTimeout", "invalid duration"),
                bad("negative duration", tp, JSON, valid.replace("\"10s\"", "\"-5s\""), "spec.to[0].default.idleTimeout", ""),
                bad("rule violation: to without targetRef", tp, JSON, valid.replace("\"targetRef\":{\"kind\":\"Mesh\"},\"default\"", "\"default\""),
                        "spec.to[0].targetRef", ""),
                bad("missing spec", tp, JSON, "{\"type\":\"MeshTimeout\",\"mesh\":\"default\",\"name\":\"t1\"}", "spec", "must be defined"),
                bad("mesh does not exist", "/meshes/nomesh/meshtimeouts/t1", JSON, valid.replace("\"mesh\":\"default\"", "\"mesh\":\"nomesh\""), "mesh", "not found"),
                bad("duplicate key", tp, JSON, valid.replace("{\"type\":\"MeshTimeout\",", "{\"type\":\"MeshTimeout\",\"type\":\"MeshTimeout\","), "", "Duplicate"),
                new BadInput("body over 1 MiB", "PUT", tp, JSON, oversized(valid), null, 400, "", "1 MiB"),
                new BadInput("If-Match not a version", "PUT", tp, JSON, valid.getBytes(StandardCharsets.UTF_8), "\"abc\"", 400, "If-Match", "version"),
                bad("invalid mesh name", "/meshes/Not%20Valid", JSON, "{\"type\":\"Mesh\",\"name\":\"Not Valid\"}", "name", "lower case")));
        list.addAll(fuzzRegressions(tp, valid));
        return list;
    }

    /**
     * What a REST fuzz run once got through: a null list item was a 500 (or a stored resource that broke rendering),
     * the rest were accepted and stored as something other than what was meant. Each case is only run where the
     * control plane lets a user write its type.
     */
    private List<BadInput> fuzzRegressions(String tp, String valid) {
        List<BadInput> list = new ArrayList<>();
        String mtp = "/meshes/default/meshtrafficpermissions/p1";
        String route = "/meshes/default/meshhttproutes/r1";
        String retry = "/meshes/default/meshretries/r1";
        String routeDoc = """
                type: MeshHTTPRoute
                mesh: default
                name: r1
                spec:
                  targetRef: {kind: Mesh}
                  to:
                  - targetRef: {kind: MeshService, name: backend}
                    rules: %s
                """;
        if (writableTypes().contains(ResourceTypes.MESH_TIMEOUT)) {
            list.add(bad("null item in to", tp, JSON, valid.replace("\"to\":[", "\"to\":[null,"), "spec.to[0]", "must not be null"));
            list.add(bad("duration overflowing to centuries", tp, JSON, valid.replace("\"10s\"", "\"2562048h\""),
                    "spec.to[0].default.idleTimeout", "at most 87600h"));
            list.add(bad("reserved label kuma.io/origin", tp, JSON, valid.replace("\"spec\"", "\"labels\":{\"kuma.io/origin\":\"global\"},\"spec\""),
                    "labels[\"kuma.io/origin\"]", "set by the control plane"));
            list.add(bad("reserved label kuma.io/zone", tp, JSON, valid.replace("\"spec\"", "\"labels\":{\"kuma.io/zone\":\"east\"},\"spec\""),
                    "labels[\"kuma.io/zone\"]", "set by the control plane"));
            list.add(bad("YAML alias", tp, YAML, """
                    type: MeshTimeout
                    mesh: default
                    name: t1
                    spec:
                      targetRef: &all {kind: Mesh}
                      to:
                      - targetRef: *all
                        default: {idleTimeout: 10s}
                    """, "", "YAML anchors are not supported"));
            list.add(bad("YAML alias of an undefined anchor", tp, YAML, """
                    type: MeshTimeout
                    mesh: default
                    name: t1
                    spec:
                      targetRef: {kind: Mesh}
                      to:
                      - targetRef: {kind: Mesh}
                        default: {idleTimeout: *undefined}
                    """, "", "YAML aliases are not supported (*undefined at line 8"));
            list.add(bad("YAML custom tag", tp, YAML, """
                    type: MeshTimeout
                    mesh: default
                    name: t1
                    spec:
                      targetRef: {kind: Mesh}
                      to:
                      - targetRef: {kind: Mesh}
                        default: {idleTimeout: !secret 10s}
                    """, "", "YAML tags are not supported (!secret at line 8"));
            list.add(bad("YAML standard tag", tp, YAML, "type: !!str MeshTimeout\nmesh: default\nname: t1\nspec: {}\n", "", "YAML tags are not supported"));
        }
        if (writableTypes().contains(ResourceTypes.MESH_TRAFFIC_PERMISSION)) {
            list.add(bad("null item in from", mtp, YAML, """
                    type: MeshTrafficPermission
                    mesh: default
                    name: p1
                    spec:
                      targetRef: {kind: Mesh}
                      from: [null]
                    """, "spec.from[0]", "must not be null"));
        }
        if (writableTypes().contains(ResourceTypes.MESH_HTTP_ROUTE)) {
            list.add(bad("null item in rules", route, YAML, routeDoc.formatted("[null]"), "spec.to[0].rules[0]", "must not be null"));
            list.add(bad("null item in matches", route, YAML,
                    routeDoc.formatted("[{matches: [null], default: {backendRefs: [{kind: MeshService, name: backend}]}}]"),
                    "spec.to[0].rules[0].matches[0]", "must not be null"));
        }
        if (writableTypes().contains(ResourceTypes.MESH_RETRY)) {
            list.add(bad("null item in retry to", retry, YAML, """
                    type: MeshRetry
                    mesh: default
                    name: r1
                    spec:
                      targetRef: {kind: Mesh}
                      to: [null]
                    """, "spec.to[0]", "must not be null"));
        }
        if (writableTypes().contains(ResourceTypes.DATAPLANE)) {
            list.add(bad("null item in inbound", "/meshes/default/dataplanes/dp1", YAML, """
                    type: Dataplane
                    mesh: default
                    name: dp1
                    networking:
                      address: 10.0.0.1
                      inbound: [null]
                    """, "networking.inbound[0]", "must not be null"));
            list.add(bad("null tag value", "/meshes/default/dataplanes/dp1", YAML, """
                    type: Dataplane
                    mesh: default
                    name: dp1
                    networking:
                      address: 10.0.0.1
                      inbound:
                      - port: 8080
                        tags: {kuma.io/service: null}
                    """, "networking.inbound[0].tags[\"kuma.io/service\"]", "must not be null"));
        }
        if (writableTypes().contains(ResourceTypes.ZONE_INGRESS)) {
            String zi = """
                    type: ZoneIngress
                    name: zi1
                    networking: {address: 10.0.0.2, port: 10001}
                    availableServices: %s
                    """;
            list.add(bad("null item in availableServices", "/zoneingresses/zi1", YAML, zi.formatted("[null]"), "availableServices[0]", "must not be null"));
            list.add(bad("instances beyond any zone", "/zoneingresses/zi1", YAML,
                    zi.formatted("[{tags: {kuma.io/service: backend}, instances: 2000000000}]"), "availableServices[0].instances", "at most"));
        }
        list.add(bad("null item in mtls.backends", "/meshes/m1", YAML, "type: Mesh\nname: m1\nmtls:\n  backends: [null]\n",
                "mtls.backends[0]", "must not be null"));
        list.add(bad("mesh named like an API sub-path", "/meshes/_overview", JSON, "{\"type\":\"Mesh\",\"name\":\"_overview\"}",
                "name", "reserved for API sub-paths"));
        if (writableTypes().contains(ResourceTypes.ZONE)) {
            list.add(bad("zone named like an API sub-path", "/zones/_overview", JSON, "{\"type\":\"Zone\",\"name\":\"_overview\"}",
                    "name", "reserved for API sub-paths"));
        }
        return list;
    }

    /** A zone may be told the truth about itself (Kuma's zone-CP policies carry it); the global never came from a zone. */
    @Test
    void originZoneLabelIsAcceptedOnlyByAZone() {
        if (!writableTypes().contains(ResourceTypes.MESH_TIMEOUT)) return;
        String doc = SampleResources.yaml(ResourceTypes.MESH_TIMEOUT).replaceFirst("mesh: default\n", "mesh: default\nlabels:\n  kuma.io/origin: zone\n");
        Response r = put(ResourceTypes.MESH_TIMEOUT, SampleResources.path(ResourceTypes.MESH_TIMEOUT), doc, YAML);
        if (expectedMode().equals("zone")) {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        } else {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
            assertThat(json(r).get("causes").get(0).get("field").asText()).isEqualTo("labels[\"kuma.io/origin\"]");
        }
    }

    @Test
    void diagnosticsEndpointsRefuseWrites() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics")) {
            for (String method : List.of("PUT", "POST", "DELETE", "PATCH")) {
                Response r = given().accept(JSON).contentType(JSON).body("{}").request(method, path);
                assertThat(r.statusCode()).as("%s %s", method, path).isEqualTo(405);
                assertThat(json(r).get("details").asText()).contains("read-only");
            }
        }
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void bodiesBeyondTheHttpLimitAreRefusedBeforeBuffering() {
        String before = snapshot();
        byte[] huge = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        Response r = given().contentType(JSON).body(huge).put("/meshes/default/meshtimeouts/t1");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(snapshot()).isEqualTo(before);
    }

    private static byte[] oversized(String valid) {
        String padding = " ".repeat(ResourceService.MAX_BODY_BYTES + 10);
        return (valid.substring(0, valid.length() - 1) + padding + "}").getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputCases")
    void badInputIsRefusedWithCausesAndChangesNothing(BadInput in) {
        String before = snapshot();
        var req = given().accept(JSON).contentType(in.contentType()).body(in.body());
        if (in.ifMatch() != null) req = req.header("If-Match", in.ifMatch());
        Response r = req.put(in.path());
        assertThat(r.statusCode()).as("%s -> %s", in, r.asString()).isEqualTo(in.status());
        JsonNode body = json(r);
        assertThat(body.has("title")).isTrue();
        assertThat(body.has("details")).isTrue();
        List<String> fields = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        body.get("causes").forEach(c -> {
            fields.add(c.get("field").asText());
            messages.add(c.get("message").asText());
        });
        assertThat(fields).as("%s causes %s", in, body).contains(in.field());
        assertThat(String.join(" | ", messages)).as("%s", in).contains(in.messageFragment());
        assertThat(snapshot()).as("store unchanged by %s", in).isEqualTo(before);
    }

    protected Stream<BadInput> badInputCases() {
        return badInputs().stream();
    }

    /** Every listing the API offers, concatenated: equal snapshots mean nothing changed. */
    protected String snapshot() {
        StringBuilder sb = new StringBuilder();
        for (String path : List.of("/meshes", "/zones", "/zoneingresses", "/zone-insights")) {
            sb.append(given().accept(JSON).get(path + "?size=1000").asString());
        }
        for (ResourceType t : ResourceTypes.meshScoped()) {
            sb.append(given().accept(JSON).get("/" + t.plural() + "?size=1000").asString());
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- helpers

    protected static Response put(ResourceType type, String path, String body, String contentType) {
        return given().contentType(contentType).accept(JSON).body(body).put(path);
    }

    protected static JsonNode json(Response r) {
        try {
            return Json.JSON.readTree(r.asByteArray());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.asString(), e);
        }
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("items").forEach(i -> names.add(i.get("name").asText()));
        return names;
    }

    /** The stored resource equals what was sent, plus server-set meta (times, version) and labels defaulting to {}. */
    protected static void assertSameResource(ResourceType type, JsonNode sent, JsonNode got) {
        ObjectNode expected = sent.deepCopy();
        if (!expected.has("labels")) expected.putObject("labels");
        ObjectNode actual = got.deepCopy();
        assertThat(actual.remove("creationTime")).as("creationTime").isNotNull();
        assertThat(actual.remove("modificationTime")).as("modificationTime").isNotNull();
        assertThat(actual.remove("version")).as("version").isNotNull();
        assertThat(actual).as("%s round trip", type).isEqualTo(expected);
    }

    static {
        RestAssuredYaml.enable();
    }
}
