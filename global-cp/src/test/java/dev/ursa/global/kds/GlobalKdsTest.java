package dev.ursa.global.kds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.BeforeEach;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.global.tokens.ZoneTokenService;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.GlobalSecretSpec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.peer.Backoff;
import dev.ursa.sync.peer.KdsZoneClient;
import dev.ursa.sync.tokens.ZoneTokens;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
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

    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
        timer.shutdownNow();
    }

    static String token(String zone, String validFor) {
        return given().contentType("application/json").body("{\"zone\":\"" + zone + "\",\"validFor\":\"" + validFor + "\"}")
                .post("/tokens/zone").then().statusCode(200).extract().asString();
    }

    Channel channel(String token, String claimedZone) {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", kds.port()).usePlaintext().build();
        closeables.add(ch::shutdownNow);
        Metadata md = new Metadata();
        if (token != null) md.put(KdsGrpc.AUTHORIZATION, "Bearer " + token);
        if (claimedZone != null) md.put(KdsGrpc.ZONE, claimedZone);
        md.put(KdsGrpc.CP_VERSION, "test-1.0");
        return ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(md));
    }

    /** A simulated zone: its own store, synced by the real zone-side client. */
    record Zone(InMemoryStore store, KdsZoneClient client, CompletableFuture<Void> synced) {
    }

    Zone zone(String name, String token) {
        InMemoryStore zoneStore = new InMemoryStore();
        ResourceIndex local = new ResourceIndex(zoneStore, KdsTypes.zoneToGlobal(),
                r -> !KdsTypes.ORIGIN_GLOBAL.equals(r.meta().labels().get(KdsTypes.ORIGIN_LABEL))).start();
        closeables.add(local);
        CompletableFuture<Void> synced = new CompletableFuture<>();
        KdsZoneClient client = new KdsZoneClient(channel(token, name), local, StoreSink.fromGlobal(zoneStore), timer,
                Executors.newVirtualThreadPerTaskExecutor(), Clock.systemUTC(), new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), new Random()),
                Duration.ofMillis(10), 1 << 20, new KdsZoneClient.Events() {
            @Override
            public void synced(Duration took) {
                synced.complete(null);
            }
        });
        closeables.add(client);
        client.start();
        return new Zone(zoneStore, client, synced);
    }

    /** Opens GlobalToZone with raw credentials and returns the status it ends with. */
    Status rawCall(String token, String claimedZone) throws Exception {
        CompletableFuture<Status> ended = new CompletableFuture<>();
        StreamObserver<DeltaDiscoveryRequest> req = KdsGrpc.globalToZone(channel(token, claimedZone), CallOptions.DEFAULT, new StreamObserver<>() {
            @Override
            public void onNext(DeltaDiscoveryResponse value) {
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
        req.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(KdsTypes.typeUrl(ResourceTypes.MESH)).build());
        return ended.get(10, TimeUnit.SECONDS);
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
        Zone zone = zone("zone-a", token("zone-a", "8760h"));
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
    void badCredentialsAreRejectedAndWriteNothing() throws Exception {
        long dataplanesBefore = store.list(ListQuery.all(ResourceTypes.DATAPLANE)).toCompletableFuture().join().total();
        assertThat(rawCall(null, "zone-x").getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(rawCall("not-a-jwt", "zone-x").getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        String foreign = new ZoneTokens(ZoneTokens.generateKey(), Clock.systemUTC()).issue("zone-x", Duration.ofHours(1));
        assertThat(rawCall(foreign, "zone-x").getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

        // expired: signed with the global's own key, but a year ago for an hour
        String key = new String(Base64.getDecoder().decode(get(store, ResourceKey.of(ResourceTypes.GLOBAL_SECRET, "", ZoneTokenService.SIGNING_KEY))
                .spec(GlobalSecretSpec.class).data()), StandardCharsets.UTF_8);
        String expired = new ZoneTokens(key, Clock.fixed(Instant.now().minus(Duration.ofDays(365)), ZoneOffset.UTC)).issue("zone-x", Duration.ofHours(1));
        Status s = rawCall(expired, "zone-x");
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(s.getDescription()).contains("expired");

        // a zone-y token used by a peer claiming zone-x
        Status impostor = rawCall(token("zone-y", "1h"), "zone-x");
        assertThat(impostor.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

        assertThat(get(store, ResourceKey.of(ResourceTypes.ZONE_INSIGHT, "", "zone-x"))).isNull();
        assertThat(get(store, ResourceKey.of(ResourceTypes.ZONE, "", "zone-x"))).isNull();
        assertThat(store.list(ListQuery.all(ResourceTypes.DATAPLANE)).toCompletableFuture().join().total()).isEqualTo(dataplanesBefore);
    }

    @Test
    void revokingATokenClosesTheZonesStreamsAndRefusesIt() throws Exception {
        String token = token("zone-r", "1h");
        Zone zone = zone("zone-r", token);
        zone.synced().get(10, TimeUnit.SECONDS);
        Await.until("zone-r online", WAIT, () -> online(insight("zone-r")));

        given().contentType("application/json").body("{\"token\":\"" + token + "\"}").post("/tokens/zone/revocations").then().statusCode(204);

        Await.until("zone-r offline after revocation", WAIT, () -> !online(insight("zone-r")));
        assertThat(rawCall(token, "zone-r").getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(kds.openStreams()).noneMatch(s -> s.zone().equals("zone-r"));
    }

    @Test
    void tokenRequestsAreValidated() {
        given().contentType("application/json").body("{\"zone\":\"a.b\"}").post("/tokens/zone").then().statusCode(400);
        given().contentType("application/json").body("{\"zone\":\"ok\",\"validFor\":\"soon\"}").post("/tokens/zone").then().statusCode(400);
    }
}
