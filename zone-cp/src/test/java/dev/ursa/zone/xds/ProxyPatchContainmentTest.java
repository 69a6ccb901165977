package dev.ursa.zone.xds;

import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.testsupport.Await;
import dev.ursa.zone.xds.render.PatchFailure;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MeshProxyPatch whose edit fails on a connected dataplane (a JSON pointer that does not apply, a result Envoy would
 * refuse) does not break it: the node is pushed its config without that policy's modifications (the other policies'
 * apply), and the failure is recorded for the policy (the node's config inspection), logged once naming policy and
 * dataplane, and counted in {@code ursa_xds_render_errors}. Fixing the policy applies it.
 */
class ProxyPatchContainmentTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    InMemoryStore store;
    SimpleMeterRegistry meters;
    EngineOverAds ads;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final List<String> infos = new CopyOnWriteArrayList<>();
    final Logger nodeConfigsLog = Logger.getLogger(NodeConfigs.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String m = r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage();
            (r.getLevel().intValue() >= Level.WARNING.intValue() ? warnings : infos).add(m);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        store = new InMemoryStore();
        EngineOverAds.write(store, "type: Mesh\nname: default\n");
        EngineOverAds.write(store, EngineOverAds.dataplane("node-a", "svc-a", 18080));
        meters = new SimpleMeterRegistry();
        ads = new EngineOverAds(store, new XdsEngine(store, XdsSettings.defaults("zone-1"), meters));
        nodeConfigsLog.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        nodeConfigsLog.removeHandler(capture);
        ads.close();
    }

    @Test
    void aFailingPatchIsLeftOutOfTheConfigAndReportedWhileTheOthersApply() throws Exception {
        ads.connect("node-a");
        ads.put(patch("adds-cluster", "Mesh", """
                - cluster:
                    operation: Add
                    value: |
                      name: audit-sink
                      connectTimeout: 2s
                      type: STATIC
                """));
        Await.until("audit-sink pushed to node-a", WAIT, () -> clusterNames().contains("audit-sink"));
        String listeners = ads.listenersVersion("node-a");
        String clusters = clustersVersion();

        ads.put(patch("bad-pointer", "Dataplane\n    name: node-a", """
                - listener:
                    operation: Patch
                    jsonPatches:
                      - {op: replace, path: /no/such/field, value: 1}
                """));
        ads.put(patch("negative-timeout", "Dataplane\n    name: node-a", """
                - cluster:
                    operation: Patch
                    match: {name: audit-sink}
                    value: |
                      connectTimeout: -1s
                """));
        Await.until("both failures recorded", WAIT, () -> failures().size() == 2);
        assertThat(failures()).extracting(PatchFailure::policy).containsExactlyInAnyOrder("default/bad-pointer", "default/negative-timeout");
        assertThat(failures()).allSatisfy(f -> assertThat(f.field()).isEqualTo("spec.default.appendModifications[0]"));
        assertThat(ads.listenersVersion("node-a")).as("node-a's listeners as they were").isEqualTo(listeners);
        assertThat(clustersVersion()).as("node-a's clusters as they were (audit-sink kept, 2s)").isEqualTo(clusters);
        assertThat(status().renderFailure()).as("not a render failure: the config is computed and pushed").isNull();
        assertThat(renderErrors("bad-pointer")).isEqualTo(1);
        assertThat(renderErrors("negative-timeout")).isEqualTo(1);
        assertThat(renderErrors("adds-cluster")).isZero();
        assertThat(warnings).filteredOn(w -> w.contains("default/negative-timeout")).singleElement().satisfies(w -> assertThat(w)
                .contains("MeshProxyPatch").contains("default.node-a").contains("connect_timeout").contains("without it"));
        assertThat(warnings).filteredOn(w -> w.contains("default/bad-pointer")).singleElement().satisfies(w -> assertThat(w)
                .contains("default.node-a").contains("/no/such/field"));

        // Another change re-renders node-a: the same failures are neither logged nor counted again.
        ads.put(patch("adds-cluster", "Mesh", """
                - cluster:
                    operation: Add
                    value: |
                      name: audit-sink
                      connectTimeout: 3s
                      type: STATIC
                """));
        Await.until("audit-sink changed", WAIT, () -> !clustersVersion().equals(clusters));
        assertThat(renderErrors("negative-timeout")).isEqualTo(1);
        assertThat(warnings).filteredOn(w -> w.contains("default/negative-timeout")).hasSize(1);

        // Fixed: it applies.
        ads.put(patch("negative-timeout", "Dataplane\n    name: node-a", """
                - cluster:
                    operation: Patch
                    match: {name: audit-sink}
                    value: |
                      connectTimeout: 7s
                """));
        Await.until("the fixed policy applied", WAIT, () -> failures().size() == 1 && cluster("audit-sink").getConnectTimeout().getSeconds() == 7);
        assertThat(infos).anySatisfy(i -> assertThat(i).contains("default/negative-timeout").contains("no longer fails"));
    }

    static String patch(String name, String targetKind, String modifications) {
        return """
                type: MeshProxyPatch
                mesh: default
                name: %s
                spec:
                  targetRef:
                    kind: %s
                  default:
                    appendModifications:
                %s""".formatted(name, targetKind, modifications.indent(6));
    }

    NodeStatus status() {
        return ads.engine.status(new NodeId("default", "node-a")).orElseThrow();
    }

    List<PatchFailure> failures() {
        return status().resources().patchFailures();
    }

    String clustersVersion() {
        return status().resources().clustersVersion();
    }

    List<String> clusterNames() {
        return status().resources().clusters().stream().map(Cluster::getName).toList();
    }

    Cluster cluster(String name) {
        return status().resources().clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    double renderErrors(String policy) {
        var c = meters.find("ursa_xds_render_errors").tags("mesh", "default", "type", "MeshProxyPatch", "name", "default/" + policy).counter();
        return c == null ? 0 : c.count();
    }
}
