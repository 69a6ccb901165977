package dev.ursa.zone.xds;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.DataplaneInsightSpec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
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
 * A policy that cannot be rendered for one dataplane breaks that dataplane's next config only: it keeps the config it
 * was last pushed, the failure is recorded against the policy, and every other dataplane keeps being configured. The
 * failure is injected with the engine's test-only fault label (what slipped through validation in the past, e.g. a
 * null route match, is now refused at the API, so nothing real is left to fail with).
 */
class RenderContainmentTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String FAULT_LABEL = "test.ursa.dev/fail-render";

    InMemoryStore store;
    SimpleMeterRegistry meters;
    XdsEngine engine;
    EngineOverAds ads;

    @BeforeEach
    void start() throws Exception {
        store = new InMemoryStore();
        EngineOverAds.write(store, "type: Mesh\nname: default\n");
        EngineOverAds.write(store, dataplane("node-a", "svc-a", 18080));
        EngineOverAds.write(store, dataplane("node-b", "svc-b", 18081));
        meters = new SimpleMeterRegistry();
        engine = new XdsEngine(store, XdsSettings.defaults("zone-1").withRenderFaultLabel(FAULT_LABEL), meters);
        ads = new EngineOverAds(store, engine);
    }

    @AfterEach
    void stop() throws Exception {
        ads.close();
    }

    @Test
    void aPolicyThatFailsForOneDataplaneLeavesItsLastGoodConfigAndEveryoneElseUpdating() throws Exception {
        var a = connect("node-a");
        var b = connect("node-b");
        String aListeners = listenersVersion("node-a");
        String bListeners = listenersVersion("node-b");

        put(timeout("breaks-a", "svc-a", "11s", true));
        Await.until("node-a's render failure recorded", WAIT, () -> failure("node-a") != null);

        var failure = failure("node-a");
        assertThat(failure.type()).isEqualTo("MeshTimeout");
        assertThat(failure.resources()).containsExactly("default/breaks-a");
        assertThat(failure.message()).contains("fault injected");
        assertThat(listenersVersion("node-a")).as("node-a keeps its last good config").isEqualTo(aListeners);
        assertThat(engine.inspect(new NodeId("default", "node-a"), Flavour.ENVOY).orElseThrow().failure()).isEqualTo(failure);
        assertThat(renderErrors("breaks-a")).isGreaterThan(0);
        assertThat(failure("node-b")).isNull();
        Await.until("node-a's DataplaneInsight written", WAIT, () -> insight("node-a") != null);
        var insight = insight("node-a").spec(DataplaneInsightSpec.class).renderError();
        assertThat(insight.type()).isEqualTo("MeshTimeout");
        assertThat(insight.resources()).containsExactly("default/breaks-a");
        assertThat(insight("node-b") == null ? null : insight("node-b").spec(DataplaneInsightSpec.class).renderError()).isNull();

        // node-b keeps being configured: a change for it is pushed while node-a is failing.
        put(timeout("for-b", "svc-b", "12s", false));
        Await.until("node-b updated", WAIT, () -> !listenersVersion("node-b").equals(bListeners));
        assertThat(nextListeners(b).getVersionInfo()).isEqualTo(listenersVersion("node-b"));
        assertThat(listenersVersion("node-a")).isEqualTo(aListeners);
        assertThat(a.responses.stream().filter(r -> r.getTypeUrl().equals(AdsTestClient.LDS)))
                .as("nothing new was pushed to node-a").isEmpty();

        // Fixed at the source: node-a computes again and gets the policy.
        put(timeout("breaks-a", "svc-a", "11s", false));
        Await.until("node-a recovered", WAIT, () -> failure("node-a") == null && !listenersVersion("node-a").equals(aListeners));
        Await.until("node-a's render error cleared from its DataplaneInsight", WAIT,
                () -> insight("node-a").spec(DataplaneInsightSpec.class).renderError() == null);
        assertThat(nextListeners(a).getVersionInfo()).isEqualTo(listenersVersion("node-a"));
    }

    @Test
    void aNodeThatNeverRenderedGetsNothingUntilFixedWhileOthersConnect() throws Exception {
        put(timeout("breaks-a", "svc-a", "11s", true));
        // Inspection renders on request: once it fails, the engine's mirror holds the policy (it lags the store a little).
        Await.until("the policy mirrored", WAIT, () -> engine.inspect(new NodeId("default", "node-a"), Flavour.ENVOY).orElseThrow().failure() != null);
        var a = ads.open("node-a");
        Await.until("node-a's render failure recorded", WAIT, () -> failure("node-a") != null);
        connect("node-b"); // still served
        assertThat(engine.status(new NodeId("default", "node-a")).orElseThrow().resources()).as("node-a has no config").isNull();
        assertThat(a.responses).as("nothing was pushed to node-a").isEmpty();
        put(timeout("breaks-a", "svc-a", "11s", false));
        assertThat(nextListeners(a).getResourcesCount()).isPositive();
        assertThat(failure("node-a")).isNull();
    }

    @Test
    void ofSeveralPoliciesOfOneTypeOnlyTheOneThatFailsIsBlamed() throws Exception {
        connect("node-a");
        put(timeout("fine-a", "svc-a", "13s", false));
        put(timeout("breaks-a", "svc-a", "11s", true));
        Await.until("node-a's render failure recorded", WAIT, () -> failure("node-a") != null);
        assertThat(failure("node-a").resources()).containsExactly("default/breaks-a");
        assertThat(renderErrors("breaks-a")).isPositive();
        assertThat(renderErrors("fine-a")).isZero();
    }

    // ---- helpers

    AdsTestClient.SotwStream connect(String name) throws Exception {
        return ads.connect(name);
    }

    static DiscoveryResponse nextListeners(AdsTestClient.SotwStream s) throws InterruptedException {
        return EngineOverAds.nextListeners(s);
    }

    String listenersVersion(String name) {
        return ads.listenersVersion(name);
    }

    dev.ursa.zone.xds.render.RenderFailure failure(String name) {
        return engine.status(new NodeId("default", name)).map(NodeStatus::renderFailure).orElse(null);
    }

    Resource insight(String name) {
        return store.get(ResourceKey.of(ResourceTypes.DATAPLANE_INSIGHT, "default", name)).toCompletableFuture().join().orElse(null);
    }

    double renderErrors(String policy) {
        var c = meters.find("ursa_xds_render_errors").tags("mesh", "default", "type", "MeshTimeout", "name", "default/" + policy).counter();
        return c == null ? 0 : c.count();
    }

    void put(String yaml) throws Exception {
        ads.put(yaml);
    }

    static String dataplane(String name, String service, int port) {
        return EngineOverAds.dataplane(name, service, port);
    }

    static String timeout(String name, String service, String idle, boolean faulty) {
        return """
                type: MeshTimeout
                mesh: default
                name: %s
                labels: {%s}
                spec:
                  targetRef: {kind: MeshService, name: %s}
                  from:
                  - targetRef: {kind: Mesh}
                    default: {idleTimeout: %s}
                """.formatted(name, faulty ? FAULT_LABEL + ": 'true'" : "", service, idle);
    }
}
