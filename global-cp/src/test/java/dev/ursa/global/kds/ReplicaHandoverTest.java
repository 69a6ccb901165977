package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.sync.peer.Direction;
import dev.ursa.sync.peer.KdsServerHandler;
import dev.ursa.testsupport.Await;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * This global as one of several replicas on one store: another replica is stood in for by its own {@link ZoneInsights}
 * writing to the same store (what a second global process on the same database does), while a real zone-side client
 * streams to this one. A zone whose newer stream lands on the other replica loses its older stream here (ABORTED) and
 * nothing it published; subscriptions of a replica that stopped are closed by the leader.
 */
@QuarkusTest
@TestProfile(GlobalKdsTest.Profile.class)
class ReplicaHandoverTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    KdsServer kds;
    @Inject
    ResourceStore store;
    @Inject
    Leadership leadership;

    private KdsTestZones zones;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Status> otherReplicaClosed = new ArrayList<>();

    @BeforeEach
    void zones() {
        RestAssuredYaml.enable();
        zones = new KdsTestZones(kds.port());
    }

    @AfterEach
    void close() throws Exception {
        zones.close();
        timer.shutdownNow();
    }

    /** Another global replica's zone insights, on the same store. */
    private ZoneInsights replica(String instanceId) {
        return new ZoneInsights(store, new SimpleMeterRegistry(), timer, Duration.ofMillis(100), Clock.systemUTC(), instanceId, c -> { });
    }

    private static KdsServerHandler.Stream stream(long id, String zone) {
        return new KdsServerHandler.Stream(id, zone, Direction.GLOBAL_TO_ZONE, "test-1.0", null, null, "10.9.9.9:" + (4000 + id));
    }

    private JsonNode subscriptions(String zone) {
        var r = given().get("/zone-insights/" + zone);
        if (r.statusCode() != 200) return null;
        try {
            return GlobalKdsTest.JSON.readTree(r.asString()).path("subscriptions");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private long openStreamsHere(String zone) {
        return kds.openStreams().stream().filter(s -> s.zone().equals(zone)).count();
    }

    @Test
    void aNewerStreamOnAnotherReplicaClosesTheOlderOneHereAndDeletesNothing() throws Exception {
        given().contentType("application/json").body("{\"type\":\"Mesh\",\"name\":\"default\"}").put("/meshes/default");
        KdsTestZones.Zone zone = zones.zone("zone-move", KdsTestZones.token("zone-move", "1h"));
        zone.synced().get(10, TimeUnit.SECONDS);
        zone.store().put(GlobalKdsTest.parse("""
                type: Dataplane
                mesh: default
                name: dp-1
                networking:
                  address: 10.0.0.1
                  inbound:
                  - port: 8080
                    tags: {kuma.io/service: backend}
                """), Precondition.ANY).toCompletableFuture().join();
        ResourceKey dp = ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-move.dp-1");
        Await.until("dataplane at the global", WAIT, () -> store.get(dp).toCompletableFuture().join().isPresent());
        Await.until("both streams open here", WAIT, () -> openStreamsHere("zone-move") == 2);
        Await.until("this replica's subscription stored", WAIT, () -> GlobalKdsTest.online(GlobalKdsTest.JSON.createObjectNode()
                .set("subscriptions", subscriptions("zone-move"))));

        // The load balancer sends the zone's next connection to the other replica, which records it.
        ZoneInsights other = replica("replica-b");
        KdsServerHandler.Stream moved = stream(1, "zone-move");
        other.opened(moved);

        Await.until("the older stream here closed as displaced", WAIT,
                () -> zone.refusedWith(Status.Code.ABORTED, "connected to another global replica"));
        JsonNode subs = Await.value("both replicas' subscriptions in the insight", WAIT, () -> {
            JsonNode s = subscriptions("zone-move");
            return s != null && s.toString().contains("replica-b") && s.toString().contains(leadership.instanceId()) ? s : null;
        });
        assertThat(subs.toString()).contains(leadership.instanceId());
        // The zone comes back here (its client reconnects): now this replica holds the newest stream; the other closes its own.
        Await.until("the zone's newest subscription is this replica's again", WAIT, () -> {
            JsonNode s = subscriptions("zone-move");
            return s != null && s.get(s.size() - 1).path("globalInstanceId").asText().equals(leadership.instanceId())
                    && !s.get(s.size() - 1).has("disconnectTime");
        });
        other.closed(moved, Status.ABORTED.withDescription("zone zone-move connected to another global replica"));
        Await.until("exactly one open subscription, this replica's", WAIT, () -> {
            JsonNode s = subscriptions("zone-move");
            List<JsonNode> open = new ArrayList<>();
            s.forEach(n -> { if (!n.has("disconnectTime")) open.add(n); });
            return open.size() == 1 && open.getFirst().path("globalInstanceId").asText().equals(leadership.instanceId());
        });
        Await.until("one pair of streams open here", WAIT, () -> openStreamsHere("zone-move") == 2);
        Await.holds("the zone's dataplane never deleted", Duration.ofSeconds(2), () -> store.get(dp).toCompletableFuture().join().isPresent());
        assertThat(zone.disconnects()).as("closed once, as displaced").hasSize(1);
    }

    @Test
    void theLeaderClosesTheSubscriptionsOfAReplicaThatStopped() {
        ZoneInsights dead = replica("replica-gone");
        dead.opened(stream(7, "zone-orphan"));
        Await.until("the stopped replica's subscription is stored", WAIT, () -> subscriptions("zone-orphan") != null
                && subscriptions("zone-orphan").size() == 1);
        // replica-gone never heartbeats: the leader's next round closes what it left open.
        Await.until("closed by the leader", WAIT, () -> subscriptions("zone-orphan").get(0).has("disconnectTime"));
        assertThat(subscriptions("zone-orphan").get(0).path("disconnectReason").asText())
                .isEqualTo("global replica replica-gone stopped (no heartbeat)");
        given().get("/zones/zone-orphan/_overview").then().statusCode(200);
        assertThat(given().get("/zones/zone-orphan/_overview").then().extract().path("state").toString()).isEqualTo("offline");
    }

    @Test
    void aSubscriptionClosedWhileItsStreamIsOpenHereIsRestored() throws Exception {
        KdsTestZones.Zone zone = zones.zone("zone-idle", KdsTestZones.token("zone-idle", "1h"));
        zone.synced().get(10, TimeUnit.SECONDS);
        ResourceKey key = ResourceKey.of(ResourceTypes.ZONE_INSIGHT, "", "zone-idle");
        Await.until("online", WAIT, () -> !subscriptions("zone-idle").isEmpty() && !subscriptions("zone-idle").get(0).has("disconnectTime"));
        // What a leader does when this replica's heartbeat was late: the open subscription closed in the store.
        var stored = store.get(key).toCompletableFuture().join().orElseThrow();
        List<JsonNode> closed = new ArrayList<>();
        stored.spec(dev.ursa.mesh.resources.ZoneInsightSpec.class).subscriptions().forEach(n -> closed.add(
                ((com.fasterxml.jackson.databind.node.ObjectNode) n.deepCopy()).put("disconnectTime", "2026-01-01T00:00:00Z")));
        store.put(new dev.ursa.mesh.model.Resource(ResourceTypes.ZONE_INSIGHT, stored.meta(), new dev.ursa.mesh.resources.ZoneInsightSpec(closed)),
                Precondition.version(stored.meta().version())).toCompletableFuture().join();
        Await.until("the idle stream's subscription is open again", WAIT,
                () -> !subscriptions("zone-idle").get(subscriptions("zone-idle").size() - 1).has("disconnectTime"));
        assertThat(zone.disconnects()).isEmpty();
    }
}
