package dev.ursa.global.kds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.BeforeEach;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.cp.auth.KeyRing;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.ZoneToken;
import dev.ursa.global.tokens.ZoneTokenService;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

/** The global's KDS server in-JVM: tokens, authentication, attribution, insights, metrics. Zones are simulated with the zone-side client. */
@QuarkusTest
@TestProfile(GlobalKdsTest.Profile.class)
class GlobalKdsTest {
    @BeforeEach
    void failOnAny500() {
        RestAssuredYaml.enable();
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ursa.kds.insight-interval", "100ms");
        }
    }

    static final Duration WAIT = Duration.ofSeconds(15);
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KdsServer kds;
    @Inject
    ResourceStore store;
    @Inject
    ZoneTokenService tokenService;

    KdsTestZones zones;

    @BeforeEach
    void zones() {
        zones = new KdsTestZones(kds.port());
    }

    @AfterEach
    void close() throws Exception {
        zones.close();
    }

    static String token(String zone, String validFor) {
        return KdsTestZones.token(zone, validFor);
    }

    KdsTestZones.Zone zone(String name, String token) {
        return zones.zone(name, token);
    }

    Status rawCall(String token, String claimedZone) throws Exception {
        return zones.rawCall(token, claimedZone);
    }

    static Resource parse(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
    }

    Resource get(ResourceStore s, ResourceKey key) {
        return s.get(key).toCompletableFuture().join().orElse(null);
    }

    JsonNode insight(String zone) {
        var r = given().get("/zone-insights/" + zone);
        if (r.statusCode() != 200) return null;
        try {
            return JSON.readTree(r.asString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** zone's state in GET /zones/_overview, null when not listed. */
    String overviewState(String zone) {
        try {
            for (JsonNode item : JSON.readTree(given().get("/zones/_overview").then().statusCode(200).extract().asString()).path("items")) {
                if (item.path("name").asText().equals(zone)) return item.path("state").asText();
            }
            return null;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static boolean online(JsonNode insight) {
        if (insight == null || !insight.path("subscriptions").isArray() || insight.path("subscriptions").isEmpty()) return false;
        JsonNode last = insight.path("subscriptions").get(insight.path("subscriptions").size() - 1);
        return !last.has("disconnectTime");
    }

    @Test
    void zoneWithTokenSyncsBothWaysAndShowsInInsightsAndMetrics() throws Exception {
        given().contentType("application/json").body("{\"type\":\"Mesh\",\"name\":\"default\"}").put("/meshes/default").then().statusCode(201);
        given().contentType("application/json").body("""
                {"type":"MeshTimeout","name":"t1","mesh":"default","spec":{"targetRef":{"kind":"Mesh"},
                 "to":[{"targetRef":{"kind":"Mesh"},"default":{"idleTimeout":"10s"}}]}}
                """).put("/meshes/default/meshtimeouts/t1").then().statusCode(201);
        KdsTestZones.Zone zone = zone("zone-a", token("zone-a", "8760h"));
        zone.synced().get(10, TimeUnit.SECONDS);
        assertThat(get(zone.store(), ResourceKey.of(ResourceTypes.MESH_TIMEOUT, "default", "t1"))).isNotNull();

        zone.store().put(parse("""
                type: Dataplane
                mesh: default
                name: dp-1
                networking:
                  address: 10.0.0.1
                  inbound:
                  - port: 8080
                    tags: {kuma.io/service: backend}
                """), Precondition.ANY).toCompletableFuture().join();
        Await.until("dataplane at global", WAIT, () -> get(store, ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-a.dp-1")) != null);
        JsonNode dp = JSON.readTree(given().get("/meshes/default/dataplanes/zone-a.dp-1").then().statusCode(200).extract().asString());
        assertThat(dp.path("labels").path("kuma.io/zone").asText()).isEqualTo("zone-a");
        assertThat(dp.path("labels").path("kuma.io/origin").asText()).isEqualTo("zone");

        Await.until("zone-a online", WAIT, () -> online(insight("zone-a")));
        given().get("/zones/zone-a").then().statusCode(200);
        // The overview carries the state; the plain listing stays Zone resources of the universal format.
        assertThat(overviewState("zone-a")).isEqualTo("online");
        JsonNode zones = JSON.readTree(given().get("/zones").then().statusCode(200).extract().asString());
        assertThat(zones.path("items").get(0).path("type").asText()).isEqualTo("Zone");
        assertThat(zones.path("items").get(0).has("state")).isFalse();
        JsonNode single = JSON.readTree(given().get("/zones/zone-a/_overview").then().statusCode(200).extract().asString());
        assertThat(single.path("type").asText()).isEqualTo("ZoneOverview");
        assertThat(single.path("state").asText()).isEqualTo("online");
        assertThat(single.path("zoneInsight").path("subscriptions").isEmpty()).isFalse();
        given().get("/zones/no-such-zone/_overview").then().statusCode(404);
        Await.until("ACK recorded", WAIT, () -> insight("zone-a").toString().contains("responsesAcknowledged"));
        JsonNode sub = insight("zone-a").path("subscriptions").get(insight("zone-a").path("subscriptions").size() - 1);
        assertThat(sub.path("zoneCpVersion").asText()).isEqualTo("test-1.0");
        assertThat(sub.path("status").path("stat").has("MeshTimeout")).isTrue();

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("ursa_kds_streams_open").contains("ursa_kds_push_latency_seconds_bucket")
                .contains("ursa_kds_resources_sent_total{type=\"MeshTimeout\",zone=\"zone-a\"}");

        // A clean disconnect shows at once.
        zone.client().close();
        Await.until("zone-a offline", WAIT, () -> !online(insight("zone-a")));
        assertThat(overviewState("zone-a")).isEqualTo("offline");
        // ... and both transitions were announced once each (the event export publishes them to Kafka).
        Await.until("connectivity announced", WAIT, () -> connectivity.of("zone-a").size() >= 2);
        assertThat(connectivity.of("zone-a")).containsExactly("online", "offline");
    }

    @jakarta.inject.Inject
    ZoneConnectivityRecorder connectivity;

    @Test
    void badCredentialsAreRejectedWithTheirReasonAndWriteNothing() throws Exception {
        long dataplanesBefore = store.list(ListQuery.all(ResourceTypes.DATAPLANE)).toCompletableFuture().join().total();
        assertThat(rawCall(null, "zone-x")).satisfies(s -> assertRefused(s, Status.Code.UNAUTHENTICATED, "no zone token"));
        assertThat(rawCall("not-a-jwt", "zone-x")).satisfies(s -> assertRefused(s, Status.Code.UNAUTHENTICATED, "zone token is malformed"));
        String foreign = KeyRing.generate(Instant.now()).sign(ZoneToken.claims("zone-x", ZoneToken.DEFAULT_SCOPE, Instant.now(), Duration.ofHours(1)));
        assertThat(rawCall(foreign, "zone-x")).satisfies(s -> assertRefused(s, Status.Code.UNAUTHENTICATED, "signature is not valid"));
        // a user token signed by the global is not a zone token
        String user = tokenService.ring().ring().sign(TokenKind.USER.newClaims("zone-x", Instant.now(), Duration.ofHours(1)));
        assertThat(rawCall(user, "zone-x")).satisfies(s -> assertRefused(s, Status.Code.UNAUTHENTICATED, "not a zone token"));

        // expired: signed with the global's own key, but a year ago for an hour
        String expired = tokenService.ring().sign(ZoneToken.claims("zone-x", ZoneToken.DEFAULT_SCOPE,
                Instant.now().minus(Duration.ofDays(365)), Duration.ofHours(1)));
        assertThat(rawCall(expired, "zone-x")).satisfies(s -> assertRefused(s, Status.Code.UNAUTHENTICATED, "zone token expired"));

        // a zone-y token used by a peer claiming zone-x
        assertThat(rawCall(token("zone-y", "1h"), "zone-x"))
                .satisfies(s -> assertRefused(s, Status.Code.PERMISSION_DENIED, "the token is for zone zone-y, not zone-x"));

        assertThat(get(store, ResourceKey.of(ResourceTypes.ZONE_INSIGHT, "", "zone-x"))).isNull();
        assertThat(get(store, ResourceKey.of(ResourceTypes.ZONE, "", "zone-x"))).isNull();
        assertThat(store.list(ListQuery.all(ResourceTypes.DATAPLANE)).toCompletableFuture().join().total()).isEqualTo(dataplanesBefore);
    }

    static void assertRefused(Status s, Status.Code code, String reason) {
        assertThat(s.getCode()).as(String.valueOf(s)).isEqualTo(code);
        assertThat(s.getDescription()).contains(reason);
    }

    @Test
    void revokingATokenClosesTheZonesStreamsWithinABoundedTimeAndRefusesIt() throws Exception {
        String token = token("zone-r", "1h");
        KdsTestZones.Zone zone = zone("zone-r", token);
        zone.synced().get(10, TimeUnit.SECONDS);
        Await.until("zone-r online", WAIT, () -> online(insight("zone-r")));

        given().contentType("application/json").body("{\"token\":\"" + token + "\"}").post("/tokens/zone/revocations").then().statusCode(204);

        // The stream closes (not only the next dial is refused), told why, within a bounded time.
        Await.until("zone-r's stream closed as revoked", WAIT, () -> zone.refusedWith(Status.Code.UNAUTHENTICATED, "zone token revoked"));
        Await.until("zone-r offline after revocation", WAIT, () -> !online(insight("zone-r")));
        assertThat(rawCall(token, "zone-r")).satisfies(s -> assertRefused(s, Status.Code.UNAUTHENTICATED, "was revoked"));
        assertThat(kds.openStreams()).noneMatch(s -> s.zone().equals("zone-r"));
    }

    @Test
    void tokenRequestsAreValidatedWithTheFieldNamed() {
        assertBadRequest("{\"zone\":\"a.b\"}", "/tokens/zone", "zone");
        assertBadRequest("{\"zone\":\"ok\",\"validFor\":\"soon\"}", "/tokens/zone", "validFor");
        assertBadRequest("{\"zone\":\"ok\",\"validFor\":\"87601h\"}", "/tokens/zone", "validFor");
        assertBadRequest("{\"zone\":\"ok\",\"validFor\":\"-1h\"}", "/tokens/zone", "validFor");
        assertBadRequest("{\"zone\":\"ok\",\"scope\":[\"admin\"]}", "/tokens/zone", "scope");
        assertBadRequest("{\"zone\":\"ok\",\"scope\":\"cp\"}", "/tokens/zone", "scope");
        assertBadRequest("{\"zone\":\"ok\",\"scope\":[]}", "/tokens/zone", "scope");
        assertBadRequest("{\"id\":\"zone-1,zone-2\"}", "/tokens/zone/revocations", "id");
        assertBadRequest("{}", "/tokens/zone/revocations", "id");
        assertBadRequest("{\"token\":\"garbage\"}", "/tokens/zone/revocations", "token");
        // the longest validity is accepted
        given().contentType("application/json").body("{\"zone\":\"ok\",\"validFor\":\"87600h\"}").post("/tokens/zone").then().statusCode(200);
    }

    static void assertBadRequest(String body, String path, String field) {
        given().contentType("application/json").body(body).post(path).then().statusCode(400)
                .body("causes[0].field", equalTo(field));
    }
}
