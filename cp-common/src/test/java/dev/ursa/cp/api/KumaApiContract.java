package dev.ursa.cp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Kuma users' tools and habits send and expect, against a real app (global, standalone zone): a resource as Kuma
 * 2.14's API returns it and the PUT bodies kumactl 2.14 builds are accepted unchanged (Kuma's computed {@code kri} and
 * times ignored, never stored), every class of failure answers Kuma's AIP-193 error body, and {@code GET /_resources}
 * lists Ursa's types as Kuma lists its own. Kuma's shapes are copied in {@code kuma-2.14-api/} (see its README).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class KumaApiContract {
    protected static final String JSON = "application/json";
    protected static final String YAML = "application/yaml";
    private static final String KUMA = "/kuma-2.14-api/";
    /** A time Kuma could have stamped: it must never come back from Ursa. */
    private static final String KUMA_TIME = "2018-07-17T16:05:36.995Z";

    /** Types this control plane accepts REST writes for. */
    protected abstract List<ResourceType> writableTypes();

    @BeforeEach
    void cleanStore() {
        for (String path : List.of("/meshes", "/zones", "/zoneingresses")) {
            for (JsonNode item : json(given().accept(JSON).get(path + "?size=1000")).get("items")) {
                given().delete(path + "/" + item.get("name").asText()).then().statusCode(200);
            }
        }
        given().contentType(YAML).body("type: Mesh\nname: default\n").put("/meshes/default").then().statusCode(201);
    }

    // ---------------------------------------------------------------- Kuma's computed fields on writes

    /** A Kuma GET body (its path, its type), from {@code kuma-2.14-api/get/}. */
    record KumaDocument(String file, ResourceType type, String path) {
        @Override
        public String toString() {
            return file;
        }
    }

    private List<KumaDocument> kumaGetBodies() {
        return Stream.of(new KumaDocument("get/mesh.json", ResourceTypes.MESH, "/meshes/default"),
                        new KumaDocument("get/dataplane.json", ResourceTypes.DATAPLANE, "/meshes/default/dataplanes/dp-1"),
                        new KumaDocument("get/meshtrafficpermission.json", ResourceTypes.MESH_TRAFFIC_PERMISSION, "/meshes/default/meshtrafficpermissions/mtp-1"),
                        new KumaDocument("get/zoneingress.json", ResourceTypes.ZONE_INGRESS, "/zoneingresses/zone-ingress-1"))
                .filter(d -> writableTypes().contains(d.type())).toList();
    }

    /**
     * What Kuma's GET returned (JSON), and as {@code kumactl get -o yaml} prints it (YAML), with real times: PUT into Ursa
     * as it is, it is stored without Kuma's computed fields, and a GET answers Ursa's own times. Writing it again changes
     * nothing (same version): the ignored fields are not content.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {JSON, YAML})
    void aResourceAsKumaReturnsItIsAcceptedUnchanged(String format) throws Exception {
        assertThat(kumaGetBodies()).isNotEmpty();
        for (KumaDocument doc : kumaGetBodies()) {
            ObjectNode kuma = (ObjectNode) kuma(doc.file());
            assertThat(kuma.get("kri").asText()).startsWith("kri_");
            kuma.put("creationTime", KUMA_TIME).put("modificationTime", KUMA_TIME);
            String body = format.equals(JSON) ? Json.JSON.writeValueAsString(kuma) : Json.YAML.writeValueAsString(kuma);

            Response first = given().contentType(format).accept(JSON).body(body).put(doc.path());
            assertThat(first.statusCode()).as("PUT %s: %s", doc, first.asString()).isIn(200, 201);
            String version = first.header("ETag");
            JsonNode stored = json(given().accept(JSON).get(doc.path()).then().statusCode(200).extract().response());
            assertWithoutKumasComputedFields(kuma, stored);

            Response again = given().contentType(format).accept(JSON).body(body).put(doc.path());
            assertThat(again.statusCode()).as("second PUT %s: %s", doc, again.asString()).isEqualTo(200);
            assertThat(again.header("ETag")).as("%s unchanged", doc).isEqualTo(version);
        }
    }

    /** A kumactl 2.14 PUT body, from {@code kuma-2.14-api/kumactl-put/}, with the path kumactl sends it to. */
    private List<KumaDocument> kumactlBodies() {
        return Stream.of(new KumaDocument("kumactl-put/mesh.json", ResourceTypes.MESH, "/meshes/some-mesh"),
                        new KumaDocument("kumactl-put/dataplane.json", ResourceTypes.DATAPLANE, "/meshes/default/dataplanes/sample"),
                        new KumaDocument("kumactl-put/meshtrafficpermission.json", ResourceTypes.MESH_TRAFFIC_PERMISSION, "/meshes/default/meshtrafficpermissions/allow-all"),
                        new KumaDocument("kumactl-put/meshtimeout.json", ResourceTypes.MESH_TIMEOUT, "/meshes/default/meshtimeouts/timeout-global"),
                        new KumaDocument("kumactl-put/meshhttproute.json", ResourceTypes.MESH_HTTP_ROUTE, "/meshes/default/meshhttproutes/route-v2"))
                .filter(d -> writableTypes().contains(d.type())).toList();
    }

    /**
     * {@code kumactl apply} as 2.14 does it (app/kumactl/cmd/apply, pkg/plugins/resources/remote/store.go): a GET of the
     * resource (404 means create), then a PUT of the body it builds, JSON in and out; applying again is an update that
     * changes nothing. Ursa's reply is the stored resource, which kumactl reads for {@code warnings} and otherwise ignores.
     */
    @Test
    void kumactlApplyBodiesAreAccepted() throws Exception {
        assertThat(kumactlBodies()).isNotEmpty();
        for (KumaDocument doc : kumactlBodies()) {
            JsonNode sent = kuma(doc.file());
            Aip193.assertErrorBody(kumactl().get(doc.path()), 404);

            Response created = kumactl().body(Json.JSON.writeValueAsBytes(sent)).put(doc.path());
            assertThat(created.statusCode()).as("%s: %s", doc, created.asString()).isEqualTo(201);
            assertThat(json(created).has("warnings")).isFalse();
            assertWithoutKumasComputedFields(sent, json(kumactl().get(doc.path()).then().statusCode(200).extract().response()));

            Response reapplied = kumactl().body(Json.JSON.writeValueAsBytes(sent)).put(doc.path());
            assertThat(reapplied.statusCode()).as("%s again: %s", doc, reapplied.asString()).isEqualTo(200);
            assertThat(reapplied.header("ETag")).isEqualTo("\"1\"");
        }
        if (writableTypes().contains(ResourceTypes.MESH)) {
            // The body of kumactl's update of a Mesh (remote store_test.go "Update() should send proper mesh json").
            Response updated = kumactl().body(kuma("kumactl-put/mesh-mtls.json").toString()).put("/meshes/some-mesh");
            assertThat(updated.statusCode()).as(updated.asString()).isEqualTo(200);
            assertThat(json(updated).at("/mtls/enabledBackend").asText()).isEqualTo("builtin");
        }
    }

    /** Only Kuma's read-only fields are ignored: any other unknown top-level field, even Kuma's {@code status}, is named. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"status", "snis", "KRI", "kris", "creationtime", "uid"})
    void otherUnknownTopLevelFieldsAreStillRefused(String field) throws Exception {
        String before = given().accept(JSON).get("/meshes?size=1000").asString();
        for (KumaDocument doc : kumactlBodies()) {
            ObjectNode body = (ObjectNode) kuma(doc.file());
            body.putObject(field);
            JsonNode error = Aip193.assertErrorBody(kumactl().body(Json.JSON.writeValueAsBytes(body)).put(doc.path()), 400);
            assertThat(Aip193.fields(error)).as("%s with %s", doc, field).containsExactly(field);
            assertThat(error.at("/invalid_parameters/0/reason").asText()).isEqualTo("unknown field \"" + field + "\"");
            given().get(doc.path()).then().statusCode(doc.path().equals("/meshes/default") ? 200 : 404);
        }
        assertThat(given().accept(JSON).get("/meshes?size=1000").asString()).isEqualTo(before);
    }

    /**
     * {@code kumactl generate user-token} and {@code dataplane-token}: the bodies kumactl 2.14 posts (every field of Kuma's
     * request, empty when its flag is not given; {@code validFor} as Go prints a duration, "24h0m0s").
     */
    @Test
    void kumactlGenerateTokenBodiesAreAccepted() {
        given().contentType(JSON).body("{\"name\":\"john.doe@example.com\",\"groups\":[\"mesh-system:admin\"],\"validFor\":\"24h0m0s\"}")
                .post("/tokens/user").then().statusCode(200).contentType("text/plain");
        given().contentType(JSON).body("{\"name\":\"\",\"mesh\":\"default\",\"tags\":{},\"type\":\"\",\"workload\":\"\",\"validFor\":\"24h0m0s\"}")
                .post("/tokens/dataplane").then().statusCode(200).contentType("text/plain");
        given().contentType(JSON).body("{\"name\":\"backend-1\",\"mesh\":\"default\",\"tags\":{\"kuma.io/service\":[\"backend\",\"backend-api\"]},"
                + "\"type\":\"dataplane\",\"workload\":\"\",\"validFor\":\"1h30m0s\"}").post("/tokens/dataplane").then().statusCode(200);
        // Kuma binds a token to a kuma.io/workload label; Ursa cannot, and says so rather than minting a broader token.
        JsonNode workload = Aip193.assertErrorBody(given().contentType(JSON)
                .body("{\"name\":\"\",\"mesh\":\"default\",\"tags\":{},\"type\":\"\",\"workload\":\"backend\",\"validFor\":\"24h0m0s\"}")
                .post("/tokens/dataplane"), 400);
        assertThat(Aip193.fields(workload)).containsExactly("workload");
    }

    /** kumactl: JSON both ways, as its remote store sends. */
    private static RequestSpecification kumactl() {
        return given().contentType(JSON).accept(JSON);
    }

    /** Ursa stored what was sent, minus Kuma's computed fields, and answers its own times and version. */
    private static void assertWithoutKumasComputedFields(JsonNode sent, JsonNode stored) {
        assertThat(stored.has("kri")).as("kri stored: %s", stored).isFalse();
        assertThat(stored.get("creationTime").asText()).isNotIn(KUMA_TIME, "0001-01-01T00:00:00Z");
        assertThat(stored.get("modificationTime").asText()).isNotIn(KUMA_TIME, "0001-01-01T00:00:00Z");
        ObjectNode expected = sent.deepCopy();
        ResourceCodec.READ_ONLY_FIELDS.forEach(expected::remove);
        if (!expected.has("labels")) expected.putObject("labels");
        ObjectNode actual = stored.deepCopy();
        ResourceCodec.READ_ONLY_FIELDS.forEach(actual::remove);
        assertThat(actual).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- error bodies

    /** One request that fails, and the status it must fail with. */
    public record Failure(String description, int status, Supplier<Response> request) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static final String TIMEOUT_PATH = "/meshes/default/meshtimeouts/t1";
    private static final String TIMEOUT = "{\"type\":\"MeshTimeout\",\"mesh\":\"default\",\"name\":\"t1\",\"spec\":{\"targetRef\":{\"kind\":\"Mesh\"},"
            + "\"to\":[{\"targetRef\":{\"kind\":\"Mesh\"},\"default\":{\"idleTimeout\":\"10s\"}}]}}";

    /** Every class of failure the API has, on both roles; subclasses add their role's own. */
    protected List<Failure> failures() {
        byte[] huge = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        List<Failure> list = new ArrayList<>(List.of(
                new Failure("400 invalid resource", 400, () -> given().contentType(JSON).body("{\"type\":\"Mesh\",\"name\":\"m1\",\"colour\":1}").put("/meshes/m1")),
                new Failure("400 malformed JSON", 400, () -> given().contentType(JSON).body("{\"type\": ").put("/meshes/m1")),
                new Failure("400 malformed YAML", 400, () -> given().contentType(YAML).body("type: Mesh\nname: [\n").put("/meshes/m1")),
                new Failure("400 empty body", 400, () -> given().contentType(JSON).put("/meshes/m1")),
                new Failure("400 bad query parameter", 400, () -> given().get("/meshes?size=0")),
                new Failure("400 bad If-Match", 400, () -> given().contentType(YAML).header("If-Match", "\"x\"").body("type: Mesh\nname: m1\n").put("/meshes/m1")),
                new Failure("400 malformed user token request", 400, () -> given().contentType(JSON).body("{\"name\":").post("/tokens/user")),
                new Failure("401 not a bearer token", 401, () -> given().header("Authorization", "Basic YWxpY2U6c2VjcmV0").get("/meshes")),
                new Failure("401 garbage token", 401, () -> given().header("Authorization", "Bearer not.a.token").get("/meshes")),
                new Failure("403 readonly user writes", 403, () -> given().header("Authorization", "Bearer " + readonlyToken())
                        .contentType(YAML).body("type: Mesh\nname: m1\n").put("/meshes/m1")),
                new Failure("404 no such resource", 404, () -> given().get("/meshes/nope")),
                new Failure("404 no such collection", 404, () -> given().get("/meshes/default/nosuchthings/x")),
                new Failure("404 no such path", 404, () -> given().get("/no/such/path/here")),
                new Failure("404 no such path under /q", 404, () -> given().get("/q/nothing-here")),
                new Failure("404 delete of nothing", 404, () -> given().delete("/meshes/default/meshtimeouts/nope")),
                new Failure("404 overview of no dataplane", 404, () -> given().get("/meshes/default/dataplanes/nope/_overview")),
                new Failure("400 bad overview filter", 400, () -> given().get("/meshes/default/dataplanes/_overview?state=sleepy")),
                new Failure("405 method the path does not take", 405, () -> given().contentType(JSON).body("{}").post("/meshes/default")),
                new Failure("405 computed type", 405, () -> given().contentType(YAML).body("type: ZoneInsight\nname: z\n").put("/zone-insights/z")),
                new Failure("405 write to diagnostics", 405, () -> given().contentType(JSON).body("{}").post("/q/health")),
                new Failure("406 events as JSON", 406, () -> given().accept(JSON).get("/events")),
                new Failure("409 create-only on an existing mesh", 409, () -> given().header("If-None-Match", "*").contentType(YAML)
                        .body("type: Mesh\nname: default\n").put("/meshes/default")),
                new Failure("413 body over the HTTP limit", 413, () -> given().contentType(JSON).body(huge).put(TIMEOUT_PATH))));
        if (writableTypes().contains(ResourceTypes.MESH_TIMEOUT)) {
            list.add(new Failure("400 mesh not found", 400, () -> given().contentType(JSON)
                    .body(TIMEOUT.replace("\"mesh\":\"default\"", "\"mesh\":\"nomesh\"")).put("/meshes/nomesh/meshtimeouts/t1")));
            list.add(new Failure("400 rule violation", 400, () -> given().contentType(JSON).body(TIMEOUT.replace("\"10s\"", "\"-1s\"")).put(TIMEOUT_PATH)));
        }
        return list;
    }

    Stream<Failure> failureCases() {
        return failures().stream();
    }

    /**
     * Each class of failure answers the AIP-193 body Kuma 2.14 sends (with its older fields beside), JSON by default
     * and YAML for a caller that accepts YAML, and changes nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("failureCases")
    void everyClassOfFailureAnswersKumasErrorBody(Failure failure) {
        String before = snapshot();
        JsonNode body = Aip193.assertErrorBody(failure.request().get(), failure.status());
        if (failure.status() == 400) {
            assertThat(body.get("invalid_parameters")).as("a 400 names what is invalid: %s", body).isNotEmpty();
        }
        assertThat(snapshot()).as("store unchanged by %s", failure).isEqualTo(before);
    }

    @Test
    void errorBodiesFollowTheAcceptHeader() {
        Response yaml = given().accept(YAML).contentType(JSON).body("{\"type\":\"Mesh\",\"name\":\"m1\",\"colour\":1}").put("/meshes/m1");
        assertThat(yaml.contentType()).startsWith(YAML);
        JsonNode body = Aip193.assertErrorBody(yaml, 400);
        assertThat(Aip193.fields(body)).containsExactly("colour");
        Response notFound = given().accept(YAML).get("/no/such/path/here");
        assertThat(notFound.contentType()).startsWith(YAML);
        Aip193.assertErrorBody(notFound, 404);
    }

    /** The same fields in the same order as Kuma's golden bodies; the lists are Ursa's always (Kuma omits them when empty). */
    @Test
    void errorBodiesHaveKumasFields() {
        JsonNode kuma400 = kuma("errors/resource_mesh-not-found.golden.json");
        List<String> kumaKeys = new ArrayList<>();
        kuma400.fieldNames().forEachRemaining(kumaKeys::add);
        assertThat(kumaKeys).isEqualTo(Aip193.KEYS);
        Aip193.assertErrorBody(kuma400, 400);
        JsonNode kuma404 = kuma("errors/resource-delete_not-found.golden.json");
        Set<String> ursaOnly = Set.of("invalid_parameters", "causes");
        List<String> kuma404Keys = new ArrayList<>();
        kuma404.fieldNames().forEachRemaining(kuma404Keys::add);
        assertThat(kuma404Keys).isEqualTo(Aip193.KEYS.stream().filter(k -> !ursaOnly.contains(k)).toList());
    }

    // ---------------------------------------------------------------- GET /_resources

    /**
     * Every registered type, policies included, by name as Kuma sorts them; path, scope and the policy flag from Ursa's
     * registry, readOnly from this control plane's role, and for the types Kuma has, every other field as Kuma 2.14's.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {JSON, YAML})
    void resourcesListsEveryTypeAsKumaDoes(String format) {
        Response r = given().accept(format).get("/_resources").then().statusCode(200).extract().response();
        assertThat(r.contentType()).startsWith(format);
        JsonNode items = parse(r, format).get("resources");
        List<String> names = new ArrayList<>();
        items.forEach(i -> names.add(i.get("name").asText()));
        assertThat(names).isEqualTo(ResourceTypes.all().stream().map(ResourceType::name).sorted().toList());

        Map<String, JsonNode> kuma = new LinkedHashMap<>();
        kuma("_resources.golden.json").get("resources").forEach(i -> kuma.put(i.get("name").asText(), i));
        List<String> ursaOnly = new ArrayList<>();
        for (JsonNode item : items) {
            ResourceType type = ResourceTypes.byName(item.get("name").asText()).orElseThrow();
            assertThat(item.get("path").asText()).isEqualTo(type.plural());
            assertThat(item.get("scope").asText()).isEqualTo(type.meshScoped() ? "Mesh" : "Global");
            assertThat(item.get("readOnly").asBoolean()).as("%s readOnly", type).isEqualTo(!writableTypes().contains(type));
            assertThat(item.has("policy")).as("%s policy", type).isEqualTo(type.policy());
            if (type.policy()) assertThat(item.at("/policy/isTargetRef").asBoolean()).isTrue();
            JsonNode theirs = kuma.get(type.name());
            if (theirs == null) {
                ursaOnly.add(type.name());
                continue;
            }
            ObjectNode ours = item.deepCopy();
            ObjectNode expected = theirs.deepCopy();
            ours.remove("readOnly");
            expected.remove("readOnly");
            assertThat(ours).as("%s as Kuma 2.14 describes it", type).isEqualTo(expected);
            assertThat(fieldNames(item)).as("%s fields in Kuma's order", type).isEqualTo(fieldNames(theirs));
        }
        assertThat(ursaOnly).as("types Kuma 2.14 does not have").containsExactly("TokenTrust");
    }

    // ---------------------------------------------------------------- helpers

    private String readonly;

    private String readonlyToken() {
        if (readonly == null) {
            readonly = given().contentType(JSON).body("{\"name\":\"reader\",\"groups\":[\"mesh-system:readonly\"],\"validFor\":\"1h\"}")
                    .post("/tokens/user").then().statusCode(200).extract().asString();
        }
        return readonly;
    }

    /** Every listing, concatenated: equal snapshots mean nothing changed. */
    protected String snapshot() {
        StringBuilder sb = new StringBuilder();
        for (String path : List.of("/meshes", "/zones", "/zoneingresses")) sb.append(given().accept(JSON).get(path + "?size=1000").asString());
        for (ResourceType t : ResourceTypes.meshScoped()) sb.append(given().accept(JSON).get("/" + t.plural() + "?size=1000").asString());
        return sb.toString();
    }

    protected static JsonNode kuma(String file) {
        try (InputStream in = KumaApiContract.class.getResourceAsStream(KUMA + file)) {
            if (in == null) throw new AssertionError("no test resource " + KUMA + file);
            return Json.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static JsonNode json(Response r) {
        return parse(r, JSON);
    }

    private static JsonNode parse(Response r, String format) {
        try {
            return (format.equals(YAML) ? Json.YAML : Json.JSON).readTree(r.asByteArray());
        } catch (Exception e) {
            throw new AssertionError("not " + format + ": " + r.asString(), e);
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static {
        RestAssuredYaml.enable();
    }
}
