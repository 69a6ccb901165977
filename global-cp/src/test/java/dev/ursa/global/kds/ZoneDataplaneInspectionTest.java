package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.inspect.v1.InspectRequest;
import dev.ursa.sync.inspect.v1.InspectResponse;
import dev.ursa.sync.peer.KdsZoneClient;
import dev.ursa.sync.peer.ZoneInspections;
import dev.ursa.testsupport.Await;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The global's {@code _config} and {@code _policies} for zone dataplanes, asked over a real KDS Inspect stream (TLS,
 * zone token) of simulated zones whose inspector answers with a document naming the question: the zone's answer passed
 * through as JSON or YAML, the zone's 404, and the global's own refusals (unknown zone, offline zone, older zone CP,
 * timeout, too many waiting), with their metric. The real zone's documents are checked end to end by the
 * integration tests (GlobalDataplaneInspectionIT).
 */
@QuarkusTest
@TestProfile(ZoneDataplaneInspectionTest.Profile.class)
class ZoneDataplaneInspectionTest {
    static final Duration WAIT = Duration.ofSeconds(15);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ursa.kds.inspect-timeout", "3s", "ursa.kds.inspect-max-in-flight", "2");
        }
    }

    @Inject
    KdsServer kds;
    @Inject
    ResourceStore store;

    KdsTestZones zones;
    /** Holds back answers about dataplane "slow" while closed. */
    volatile CountDownLatch gate = new CountDownLatch(0);

    @BeforeEach
    void start() {
        RestAssuredYaml.enable();
        zones = new KdsTestZones(kds.port());
        given().contentType("application/json").body("{\"type\":\"Mesh\",\"name\":\"default\"}").put("/meshes/default");
    }

    @AfterEach
    void stop() throws Exception {
        gate.countDown();
        zones.close();
    }

    static String document(String zone, InspectRequest q) {
        return "{\"zone\":\"" + zone + "\",\"kind\":\"" + q.getKind() + "\",\"dataplane\":\"" + q.getMesh() + "/" + q.getDataplane()
                + "\",\"flavour\":\"" + q.getFlavour() + "\"}";
    }

    KdsTestZones.Zone zone(String name, boolean inspects) {
        KdsZoneClient.Inspector inspector = q -> {
            if (q.getDataplane().equals("slow")) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (q.getDataplane().equals("missing")) {
                return InspectResponse.newBuilder().setStatus(404).setError("no Dataplane \"missing\" in mesh \"default\"").build();
            }
            return InspectResponse.newBuilder().setStatus(200).setJson(document(name, q)).build();
        };
        String token = KdsTestZones.token(name, "1h");
        return zones.zone(zones.channel(token, name), new InMemoryStore(), inspects ? inspector : null);
    }

    void awaitInspectStream(String zone) {
        Await.until(zone + " opened Inspect", WAIT, () -> kds.inspections().map(i -> i.hasStream(zone)).orElse(false));
    }

    static JsonNode json(String text) throws Exception {
        return Json.JSON.readTree(text);
    }

    static ExtractableResponse<Response> get(String path, int status) {
        return given().get(path).then().statusCode(status).extract();
    }

    /** An AIP-193 error body with this status whose detail says {@code says}. */
    static void refused(ExtractableResponse<Response> r, int status, String says) throws Exception {
        JsonNode body = Json.YAML.readTree(r.asString()); // JSON or YAML
        assertThat(body.path("type").asText()).isEqualTo("/std-errors");
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("detail").asText()).as(body.toString()).contains(says);
    }

    @Test
    void aZonesDataplaneIsAnsweredByItsZoneAsJsonOrYaml() throws Exception {
        KdsTestZones.Zone zone = zone("zone-i", true);
        zone.synced().get(10, TimeUnit.SECONDS);
        zone.store().put(ResourceCodec.decode(ResourceCodec.parse("""
                type: Dataplane
                mesh: default
                name: web-1
                networking:
                  address: 10.0.0.1
                  inbound:
                  - port: 8080
                    tags: {kuma.io/service: web}
                """.getBytes(StandardCharsets.UTF_8), Format.YAML)), Precondition.ANY).toCompletableFuture().join();
        Await.until("zone-i.web-1 at the global", WAIT,
                () -> store.get(ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-i.web-1")).toCompletableFuture().join().isPresent());
        awaitInspectStream("zone-i");

        var config = get("/meshes/default/dataplanes/zone-i.web-1/_config", 200);
        assertThat(config.contentType()).startsWith("application/json");
        assertThat(json(config.asString())).isEqualTo(json("{\"zone\":\"zone-i\",\"kind\":\"CONFIG\",\"dataplane\":\"default/web-1\",\"flavour\":\"\"}"));
        var policies = given().accept("application/yaml").get("/meshes/default/dataplanes/zone-i.web-1/_policies?flavour=proxyless")
                .then().statusCode(200).extract();
        assertThat(policies.contentType()).startsWith("application/yaml");
        assertThat(Json.YAML.readTree(policies.asString()))
                .isEqualTo(json("{\"zone\":\"zone-i\",\"kind\":\"POLICIES\",\"dataplane\":\"default/web-1\",\"flavour\":\"proxyless\"}"));
        // a name the global does not hold is still asked of the zone its prefix names (a node connected without a Dataplane)
        assertThat(json(get("/meshes/default/dataplanes/zone-i.not-synced-yet/_config", 200).asString()).path("dataplane").asText())
                .isEqualTo("default/not-synced-yet");

        refused(get("/meshes/default/dataplanes/zone-i.missing/_config", 404), 404, "zone zone-i: no Dataplane \"missing\" in mesh \"default\"");
        refused(get("/meshes/default/dataplanes/web-1/_policies", 404), 404, "a zone's dataplanes are named <zone>.<name> here");
        refused(get("/meshes/default/dataplanes/no-such-zone.web-1/_config", 404), 404, "no zone \"no-such-zone\"");

        String metrics = get("/q/metrics", 200).asString();
        assertThat(metrics).contains("ursa_kds_inspect_seconds_count{kind=\"config\",outcome=\"ok\",zone=\"zone-i\"}")
                .contains("ursa_kds_inspect_seconds_count{kind=\"policies\",outcome=\"ok\",zone=\"zone-i\"}")
                .contains("ursa_kds_inspect_seconds_count{kind=\"config\",outcome=\"not_found\",zone=\"zone-i\"}");
    }

    @Test
    void aSlowZoneIsA504AndTooManyWaitingA429() throws Exception {
        zone("zone-s", true).synced().get(10, TimeUnit.SECONDS);
        awaitInspectStream("zone-s");
        gate = new CountDownLatch(1);
        refused(get("/meshes/default/dataplanes/zone-s.slow/_config", 504), 504, "zone zone-s did not answer within 3000 ms (ursa.kds.inspect-timeout)");

        ZoneInspections inspections = kds.inspections().orElseThrow();
        HttpClient http = HttpClient.newHttpClient();
        String base = RestAssured.baseURI + ":" + RestAssured.port;
        var first = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/meshes/default/dataplanes/zone-s.slow/_config")).build(),
                HttpResponse.BodyHandlers.ofString());
        var second = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/meshes/default/dataplanes/zone-s.slow/_policies")).build(),
                HttpResponse.BodyHandlers.ofString());
        Await.until("two requests waiting for zone-s", WAIT, () -> inspections.waiting("zone-s") == 2 || first.isDone() || second.isDone());
        assertThat(first).as("first: %s", first.isDone() ? first.get().body() : "").isNotDone();
        assertThat(second).as("second: %s", second.isDone() ? second.get().body() : "").isNotDone();
        refused(get("/meshes/default/dataplanes/zone-s.web/_config", 429), 429, "zone zone-s already has 2 inspect requests waiting");
        gate.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isIn(200, 504); // answered, unless the 3 s limit came first
        assertThat(second.get(10, TimeUnit.SECONDS).statusCode()).isIn(200, 504);
        assertThat(get("/q/metrics", 200).asString()).contains("ursa_kds_inspect_seconds_count{kind=\"config\",outcome=\"timeout\",zone=\"zone-s\"}")
                .contains("ursa_kds_inspect_seconds_count{kind=\"config\",outcome=\"busy\",zone=\"zone-s\"}");
    }

    @Test
    void anOlderZoneCpAndAnOfflineZoneAre503NamingTheZone() throws Exception {
        KdsTestZones.Zone old = zone("zone-o", false);
        old.synced().get(10, TimeUnit.SECONDS);
        refused(get("/meshes/default/dataplanes/zone-o.web/_config", 503), 503,
                "zone zone-o is connected, but its zone CP (version test-1.0) does not open KDS's Inspect stream: it is older than this global");

        old.client().close();
        Await.until("zone-o's streams closed", WAIT, () -> kds.openStreams().stream().noneMatch(s -> s.zone().equals("zone-o")));
        refused(get("/meshes/default/dataplanes/zone-o.web/_policies", 503), 503, "zone zone-o is not connected to this global control plane");
        refused(given().accept("application/yaml").get("/meshes/default/dataplanes/zone-o.web/_policies").then().statusCode(503)
                .contentType("application/yaml").extract(), 503, "zone zone-o is not connected");
    }

    @Test
    void theInspectStreamNeedsAZoneTokenLikeTheOthers() throws Exception {
        CompletableFuture<Status> ended = new CompletableFuture<>();
        var channel = KdsTestZones.withCredentials(zones.tlsChannel(KdsTestZones.ca()), "not-a-token", "zone-x");
        KdsGrpc.inspect(channel, CallOptions.DEFAULT, new StreamObserver<>() {
            @Override
            public void onNext(InspectRequest value) {
                ended.completeExceptionally(new AssertionError("a question reached an unauthenticated zone: " + value));
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        assertThat(ended.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(kds.inspections().orElseThrow().hasStream("zone-x")).isFalse();
    }
}
