package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.DataplaneInsightSpec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.testsupport.Await;
import dev.ursa.zone.replicas.TestReplicas;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two zone CP replicas on one store (the in-memory store standing in for their shared Postgres; the election is the
 * test's, {@link TestReplicas}), each serving xDS on a real gRPC port to real ADS streams of self-registering nodes:
 * a node that moves from one replica to the other keeps its Dataplane and both replicas' subscriptions, and the
 * streams of a replica that stopped are closed by the leader, after which its nodes' Dataplanes leave.
 */
class ZoneReplicasTest {
    static final Duration GRACE = Duration.ofMillis(500);
    static final Duration WAIT = Duration.ofSeconds(10);

    final InMemoryStore store = new InMemoryStore();
    final TestReplicas replicas = new TestReplicas();
    final List<AutoCloseable> closing = new ArrayList<>();
    EngineOverAds a;
    EngineOverAds b;

    @BeforeEach
    void start() throws Exception {
        EngineOverAds.write(store, "type: Mesh\nname: default\n");
        a = replica("a");
        b = replica("b");
        replicas.lead("a");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) c.close();
    }

    EngineOverAds replica(String id) throws Exception {
        // insights flushed at connect and disconnect only (an hour between coalesced writes): each write is one the test expects
        XdsSettings settings = new XdsSettings("zone-1", false, GRACE, Duration.ofMillis(5), Optional.empty(), 0.8,
                Duration.ofSeconds(15), Duration.ofHours(1));
        XdsEngine engine = new XdsEngine(store, settings, new SimpleMeterRegistry(), StreamExecutors.SENDER_THREADS, List.of(),
                replicas.replica(id), Duration.ofMillis(100));
        EngineOverAds e = new EngineOverAds(store, engine);
        closing.add(e);
        return e;
    }

    AdsTestClient.SotwStream connect(EngineOverAds replica, String name) {
        AdsTestClient client = new AdsTestClient(replica.port());
        closing.add(client);
        var node = AdsTestClient.node("default." + name, Map.of(XdsEngine.DATAPLANE_METADATA_KEY, EngineOverAds.dataplane(name, name, 8080)));
        var s = client.sotw(node);
        s.request(AdsTestClient.LDS, List.of());
        return s;
    }

    Optional<Resource> dataplane(String name) {
        return store.get(ResourceKey.of(ResourceTypes.DATAPLANE, "default", name)).toCompletableFuture().join();
    }

    Optional<Resource> insight(String name) {
        return store.get(ResourceKey.of(ResourceTypes.DATAPLANE_INSIGHT, "default", name)).toCompletableFuture().join();
    }

    List<JsonNode> subscriptions(String name) {
        return insight(name).map(r -> r.spec(DataplaneInsightSpec.class).subscriptions()).orElse(List.of());
    }

    static String holder(JsonNode subscription) {
        return subscription.path(DataplaneInsights.INSTANCE).asText();
    }

    static boolean open(JsonNode subscription) {
        return !subscription.has("disconnectTime");
    }

    /** The newest subscription is {@code replica}'s and open, and every other replica's is closed. */
    boolean servedOnlyBy(String name, String replica) {
        List<JsonNode> subs = subscriptions(name);
        return !subs.isEmpty() && holder(subs.getLast()).equals(replica) && open(subs.getLast())
                && subs.stream().filter(s -> !holder(s).equals(replica)).noneMatch(ZoneReplicasTest::open);
    }

    @Test
    void aNodeThatMovesToAnotherReplicaKeepsItsDataplaneAndBothReplicasSubscriptions() throws Exception {
        var onA = connect(a, "web");
        Await.until("web registered on a", WAIT, () -> dataplane("web").isPresent() && servedOnlyBy("web", "a"));

        connect(b, "web");
        Await.until("web's newest stream is b's", WAIT, () -> holder(subscriptions("web").getLast()).equals("b")
                && open(subscriptions("web").getLast()));
        onA.close();
        Await.until("a's stream closed, b's open", WAIT, () -> servedOnlyBy("web", "b"));

        // a's grace runs out: it must only close its own subscription (a replica that ignored b's stream would delete
        // the insight and the self-registered Dataplane within milliseconds of its removal)
        Await.until("a forgot web", WAIT, () -> !a.engine.connectedNodes().contains(new NodeId("default", "web")));
        Await.holds("web keeps its Dataplane and insight while b serves it", GRACE.multipliedBy(4),
                () -> dataplane("web").isPresent() && servedOnlyBy("web", "b"));
        assertThat(subscriptions("web")).extracting(ZoneReplicasTest::holder).containsExactly("a", "b");
    }

    @Test
    void theLeaderClosesTheStreamsOfAStoppedReplicaAndItsNodesDataplanesLeaveAfterTheGrace() throws Exception {
        connect(b, "api");
        Await.until("api registered on b", WAIT, () -> dataplane("api").isPresent() && servedOnlyBy("api", "b"));

        replicas.stop("b"); // its heartbeat stops (killed, or cut from the database): nobody else would close its streams
        Await.until("the leader closed b's stream", WAIT, () -> !subscriptions("api").isEmpty() && !open(subscriptions("api").getLast()));
        assertThat(subscriptions("api").getLast().path("disconnectReason").asText()).isEqualTo("zone CP replica b stopped (no heartbeat)");
        Await.until("api's self-registered Dataplane and insight left after the grace", WAIT,
                () -> dataplane("api").isEmpty() && insight("api").isEmpty());
    }

    @Test
    void onlyTheLeaderClosesStreamsOfStoppedReplicas() throws Exception {
        connect(b, "db");
        Await.until("db registered on b", WAIT, () -> dataplane("db").isPresent() && servedOnlyBy("db", "b"));
        replicas.lead("none"); // no replica leads (the database is gone for everyone)
        replicas.stop("b");
        Await.holds("b's stream stays open in the insight while nobody leads", Duration.ofSeconds(1), () -> servedOnlyBy("db", "b"));
        replicas.lead("a");
        Await.until("the new leader closed b's stream", WAIT, () -> !open(subscriptions("db").getLast()));
    }
}
