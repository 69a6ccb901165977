package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.testsupport.Await;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dataplane overviews and {@code /global-insight} at the global, fed by a zone over real KDS (the zone-side client and
 * a zone store): a dataplane is online while its insight says connected and its zone is online; the zone going away
 * takes it offline without deleting anything.
 */
@QuarkusTest
@TestProfile(GlobalKdsTest.Profile.class)
class DataplaneOverviewGlobalTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MESH = "overview";

    @Inject
    KdsServer kds;

    KdsTestZones zones;

    @BeforeEach
    void setUp() {
        RestAssuredYaml.enable();
        zones = new KdsTestZones(kds.port());
    }

    @AfterEach
    void close() throws Exception {
        zones.close();
    }

    @Test
    void dataplanesOfAZoneAreOnlineWhileBothAreAndOfflineNotDeletedWhenTheZoneGoes() throws Exception {
        int code = given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode();
        assertThat(code).isIn(200, 201);
        KdsTestZones.Zone zone = zones.zone("zone-ov", KdsTestZones.token("zone-ov", "8760h"));
        zone.synced().get(10, TimeUnit.SECONDS);
        Await.until("the mesh at the zone", WAIT, () -> zone.store().get(dev.ursa.mesh.model.ResourceKey.of(
                dev.ursa.mesh.model.ResourceTypes.MESH, "", MESH)).toCompletableFuture().join().isPresent());
        put(zone, dataplane("web-1", "web"));
        put(zone, dataplane("api-1", "api"));
        put(zone, """
                type: DataplaneInsight
                mesh: %s
                name: web-1
                subscriptions:
                - id: s-1
                  controlPlaneInstanceId: zone-ov-cp
                  connectTime: "2026-12-07T10:00:00Z"
                  status:
                    total: {responsesSent: 4, responsesAcknowledged: 3, responsesRejected: 1}
                    lastNack: {type: type.googleapis.com/envoy.config.route.v3.RouteConfiguration, error: "bad regex"}
                """.formatted(MESH));
        // api-1 never connected: no insight, offline.

        JsonNode web = Await.value("web-1 online at the global", WAIT, () -> {
            JsonNode o = overview("/meshes/" + MESH + "/dataplanes/zone-ov.web-1/_overview");
            return o != null && "online".equals(o.path("state").asText()) ? o : null;
        });
        assertThat(web.path("type").asText()).isEqualTo("DataplaneOverview");
        assertThat(web.path("mesh").asText()).isEqualTo(MESH);
        assertThat(web.path("zone").asText()).isEqualTo("zone-ov");
        assertThat(web.path("dataplane").path("networking").path("inbound").get(0).path("tags").path("kuma.io/service").asText()).isEqualTo("web");
        assertThat(web.path("dataplaneInsight").path("subscriptions").get(0).path("status").path("lastNack").path("error").asText())
                .isEqualTo("bad regex");

        Await.until("api-1 at the global", WAIT, () -> list("").path("total").asInt() == 2);
        JsonNode all = list("");
        assertThat(all.path("items").get(0).path("name").asText()).isEqualTo("zone-ov.api-1"); // ordered by name
        assertThat(all.path("items").get(0).path("state").asText()).isEqualTo("offline");
        assertThat(all.path("items").get(0).path("dataplaneInsight").path("subscriptions").isEmpty()).isTrue();
        assertThat(list("?tag=kuma.io/service:web").path("total").asInt()).isEqualTo(1);
        assertThat(list("?tag=kuma.io/service:nope").path("total").asInt()).isZero();
        assertThat(list("?state=online").path("items").get(0).path("name").asText()).isEqualTo("zone-ov.web-1");
        assertThat(list("?state=offline&zone=zone-ov").path("total").asInt()).isEqualTo(1);
        assertThat(list("?zone=other").path("total").asInt()).isZero();
        JsonNode page = list("?size=1");
        assertThat(page.path("items")).hasSize(1);
        assertThat(page.path("total").asInt()).isEqualTo(2);
        assertThat(page.path("next").asText()).contains("offset=1").contains("size=1");
        assertThat(list("?size=1&offset=1").path("next").isNull()).isTrue();
        given().get("/meshes/" + MESH + "/dataplanes/_overview?state=maybe").then().statusCode(400);
        given().get("/meshes/" + MESH + "/dataplanes/zone-ov.nope/_overview").then().statusCode(404);

        JsonNode insight = globalInsight();
        assertThat(insight.path("dataplanes").path("byMesh").path(MESH).path("online").asInt()).isEqualTo(1);
        assertThat(insight.path("dataplanes").path("byMesh").path(MESH).path("offline").asInt()).isEqualTo(1);
        assertThat(insight.path("dataplanes").path("byZone").path("zone-ov").path("total").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(insight.path("dataplanes").path("standard").path("total").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(insight.path("zones").path("controlPlanes").path("online").asInt()).isPositive();
        assertThat(insight.path("meshes").path("total").asInt()).isPositive();

        // The zone goes away: its dataplanes turn offline at the global, nothing is deleted.
        zone.client().close();
        Await.until("web-1 offline once its zone is", WAIT,
                () -> "offline".equals(overview("/meshes/" + MESH + "/dataplanes/zone-ov.web-1/_overview").path("state").asText()));
        assertThat(list("").path("total").asInt()).isEqualTo(2);
        assertThat(list("?state=online").path("total").asInt()).isZero();
        assertThat(overview("/meshes/" + MESH + "/dataplanes/zone-ov.web-1/_overview").path("dataplaneInsight").path("subscriptions").get(0)
                .has("disconnectTime")).as("the insight itself is as the zone last wrote it").isFalse();
        assertThat(globalInsight().path("dataplanes").path("byMesh").path(MESH).path("online").asInt()).isZero();
    }

    // ---- helpers

    static void put(KdsTestZones.Zone zone, String yaml) {
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        zone.store().put(r, Precondition.ANY).toCompletableFuture().join();
    }

    static String dataplane(String name, String service) {
        return """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: 10.0.0.1
                  inbound:
                  - port: 8080
                    tags: {kuma.io/service: %s}
                """.formatted(MESH, name, service);
    }

    static JsonNode list(String query) throws Exception {
        return JSON.readTree(given().get("/meshes/" + MESH + "/dataplanes/_overview" + query).then().statusCode(200).extract().asString());
    }

    static JsonNode overview(String path) throws Exception {
        var r = given().get(path);
        return r.statusCode() == 200 ? JSON.readTree(r.asString()) : null;
    }

    static JsonNode globalInsight() throws Exception {
        return JSON.readTree(given().get("/global-insight").then().statusCode(200).extract().asString());
    }
}
