package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.DataplaneInsightSpec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.testsupport.Await;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zone's DataplaneInsights over real ADS streams (grpc-java, Envoy's protos): connect, versions sent and ACKed,
 * a NACK with its error text, disconnect (offline, kept after the node's grace period), and the coalescing that keeps
 * xDS traffic from turning into store (and KDS) writes.
 */
class DataplaneInsightsTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Duration GRACE = Duration.ofMillis(300);

    InMemoryStore store;
    XdsEngine engine;
    EngineOverAds ads;

    void start(Duration flushInterval) throws Exception {
        store = new InMemoryStore();
        EngineOverAds.write(store, "type: Mesh\nname: default\n");
        EngineOverAds.write(store, EngineOverAds.dataplane("node-a", "svc-a", 18080));
        engine = new XdsEngine(store, new XdsSettings("zone-1", false, GRACE, Duration.ofMillis(10)).withInsightFlushInterval(flushInterval),
                new SimpleMeterRegistry());
        ads = new EngineOverAds(store, engine);
    }

    @AfterEach
    void stop() throws Exception {
        if (ads != null) ads.close();
    }

    @Test
    void connectVersionsAckNackAndDisconnectAreRecordedAndTheInsightOutlivesTheNode() throws Exception {
        start(Duration.ofMillis(200));
        var a = ads.connect("node-a"); // LDS received and ACKed
        String listeners = ads.listenersVersion("node-a");

        JsonNode lds = Await.value("node-a's ACK of its listeners in its insight", WAIT, () -> {
            JsonNode s = lastSubscription();
            JsonNode l = s == null ? null : s.path("status").path("lds");
            return l != null && listeners.equals(l.path("lastAckedVersion").asText()) ? l : null;
        });
        JsonNode sub = lastSubscription();
        assertThat(sub.path("controlPlaneInstanceId").asText()).isEqualTo(engine.instanceId());
        assertThat(sub.path("connectTime").asText()).isNotEmpty();
        assertThat(sub.has("disconnectTime")).isFalse();
        assertThat(lds.path("lastSentVersion").asText()).isEqualTo(listeners);
        assertThat(lds.path("responsesSent").asLong()).isPositive();
        assertThat(lds.path("responsesAcknowledged").asLong()).isPositive();
        assertThat(sub.path("status").path("total").path("responsesAcknowledged").asLong()).isPositive();
        assertThat(sub.path("status").path("lastUpdateTime").asText()).isNotEmpty();
        assertThat(spec().connected()).isTrue();

        // A NACK: its type, the rejected version and the error text.
        a.request(AdsTestClient.CDS, List.of());
        DiscoveryResponse clusters = next(a, AdsTestClient.CDS);
        a.nack(clusters, List.of(), "rejected by the test: no such cluster type");
        JsonNode nack = Await.value("the NACK in node-a's insight", WAIT, () -> {
            JsonNode n = lastSubscription().path("status").path("lastNack");
            return n.isMissingNode() ? null : n;
        });
        assertThat(nack.path("type").asText()).isEqualTo(AdsTestClient.CDS);
        assertThat(nack.path("version").asText()).isEqualTo(clusters.getVersionInfo());
        assertThat(nack.path("error").asText()).isEqualTo("rejected by the test: no such cluster type");
        assertThat(lastSubscription().path("status").path("cds").path("responsesRejected").asLong()).isEqualTo(1);
        assertThat(lastSubscription().path("status").path("total").path("responsesRejected").asLong()).isEqualTo(1);

        // Disconnect: offline at once, and still there after the node's grace period.
        a.close();
        Await.until("node-a offline in its insight", WAIT, () -> lastSubscription().has("disconnectTime"));
        assertThat(spec().connected()).isFalse();
        Await.until("node-a removed after its grace period", WAIT, () -> engine.status(new NodeId("default", "node-a")).isEmpty());
        Await.holds("node-a's insight is kept, offline", GRACE.multipliedBy(3), () -> insight() != null && !spec().connected());

        // A reconnect is a new subscription of the same insight, online again.
        ads.connect("node-a");
        Await.until("node-a online again", WAIT, () -> spec().connected());
        assertThat(spec().subscriptions()).hasSize(1); // a new node state: the history of this run only
    }

    @Test
    void xdsTrafficIsCoalescedButConnectAndNackAreWrittenAtOnce() throws Exception {
        start(Duration.ofHours(1));
        var a = ads.connect("node-a");
        Await.until("the connect written at once", WAIT, () -> insight() != null);
        long afterConnect = insight().meta().version();
        // More responses and ACKs: counters change, nothing is written within the interval.
        a.request(AdsTestClient.CDS, List.of());
        DiscoveryResponse clusters = next(a, AdsTestClient.CDS);
        a.ack(clusters, List.of());
        a.request(AdsTestClient.EDS, List.of());
        Await.holds("no write for responses and ACKs within the flush interval", Duration.ofSeconds(1),
                () -> insight().meta().version() == afterConnect);
        a.nack(clusters, List.of(), "bad");
        Await.until("the NACK written at once", WAIT, () -> insight().meta().version() > afterConnect
                && lastSubscription().path("status").path("lastNack").path("error").asText().equals("bad"));
        // The prompt write carries the coalesced counters too.
        assertThat(lastSubscription().path("status").path("cds").path("responsesAcknowledged").asLong()).isEqualTo(1);
        a.close();
        Await.until("the disconnect written at once", WAIT, () -> lastSubscription().has("disconnectTime"));
    }

    // ---- helpers

    static DiscoveryResponse next(AdsTestClient.SotwStream s, String typeUrl) throws InterruptedException {
        while (true) {
            DiscoveryResponse r = s.next(typeUrl, WAIT);
            if (r.getTypeUrl().equals(typeUrl)) return r;
        }
    }

    Resource insight() {
        return store.get(ResourceKey.of(ResourceTypes.DATAPLANE_INSIGHT, "default", "node-a")).toCompletableFuture().join().orElse(null);
    }

    DataplaneInsightSpec spec() {
        return insight().spec(DataplaneInsightSpec.class);
    }

    JsonNode lastSubscription() {
        Resource r = insight();
        if (r == null) return null;
        List<JsonNode> subs = r.spec(DataplaneInsightSpec.class).subscriptions();
        return subs == null || subs.isEmpty() ? null : subs.getLast();
    }
}
