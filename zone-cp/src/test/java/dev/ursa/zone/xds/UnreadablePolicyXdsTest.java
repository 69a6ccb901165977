package dev.ursa.zone.xds;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.testing.UnreadableRowsStore;
import dev.ursa.testsupport.Await;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A policy whose stored row stops decoding, changed in the same debounce window as another policy: the engine keeps
 * the version it holds for the unreadable one and applies the other change (it used to drop the whole batch).
 */
class UnreadablePolicyXdsTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Long enough that two writes in a row from the test land in one batch. */
    static final Duration DEBOUNCE = Duration.ofMillis(300);

    UnreadableRowsStore store;
    XdsEngine engine;
    EngineOverAds ads;

    @BeforeEach
    void start() throws Exception {
        store = new UnreadableRowsStore();
        EngineOverAds.write(store, "type: Mesh\nname: default\n");
        EngineOverAds.write(store, EngineOverAds.dataplane("node-a", "svc-a", 18080));
        EngineOverAds.write(store, EngineOverAds.dataplane("node-b", "svc-b", 18081));
        EngineOverAds.write(store, RenderContainmentTest.timeout("for-a", "svc-a", "11s", false));
        engine = new XdsEngine(store, new XdsSettings("zone-1", true, Duration.ofSeconds(30), DEBOUNCE), new SimpleMeterRegistry());
        ads = new EngineOverAds(store, engine);
    }

    @AfterEach
    void stop() throws Exception {
        ads.close();
    }

    @Test
    void anUnreadablePolicyKeepsItsLastVersionAndTheRestOfTheBatchIsApplied() throws Exception {
        var a = connect("node-a");
        var b = connect("node-b");
        String aListeners = listenersVersion("node-a");
        String bListeners = listenersVersion("node-b");

        store.writeUnreadable(parse(RenderContainmentTest.timeout("for-a", "svc-a", "13s", false)));
        put(RenderContainmentTest.timeout("for-b", "svc-b", "12s", false));

        Await.until("node-b updated", WAIT, () -> !listenersVersion("node-b").equals(bListeners));
        assertThat(nextListeners(b).getVersionInfo()).isEqualTo(listenersVersion("node-b"));
        assertThat(listenersVersion("node-a")).as("node-a keeps the config of the last readable for-a").isEqualTo(aListeners);

        // A valid write replaces the unreadable row: node-a gets it.
        put(RenderContainmentTest.timeout("for-a", "svc-a", "14s", false));
        Await.until("node-a updated", WAIT, () -> !listenersVersion("node-a").equals(aListeners));
        assertThat(nextListeners(a).getVersionInfo()).isEqualTo(listenersVersion("node-a"));
    }

    AdsTestClient.SotwStream connect(String name) throws Exception {
        return ads.connect(name);
    }

    static DiscoveryResponse nextListeners(AdsTestClient.SotwStream s) throws InterruptedException {
        return EngineOverAds.nextListeners(s);
    }

    String listenersVersion(String name) {
        return ads.listenersVersion(name);
    }

    void put(String yaml) throws Exception {
        ads.put(yaml);
    }

    static Resource parse(String yaml) {
        return EngineOverAds.parse(yaml);
    }
}
