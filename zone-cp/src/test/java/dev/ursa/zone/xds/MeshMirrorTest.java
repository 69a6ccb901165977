package dev.ursa.zone.xds;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.zone.xds.view.LocalEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The mesh mirror: one batch per burst of store changes, and one immutable generation per applied change. */
class MeshMirrorTest {
    final InMemoryStore store = new InMemoryStore();
    final SerialWorker worker = new SerialWorker("test-mirror");
    final BlockingQueue<MeshChange> changes = new LinkedBlockingQueue<>();
    final MeshMirror mirror = new MeshMirror(store, List.of(new LocalEndpoints("zone-1")), worker, Duration.ofMillis(5), changes::add);

    @AfterEach
    void stop() throws Exception {
        mirror.close();
        worker.close();
    }

    void put(String yaml) {
        store.put(EngineOverAds.parse(yaml), Precondition.ANY).toCompletableFuture().join();
    }

    MeshChange next() throws InterruptedException {
        MeshChange c = changes.poll(5, TimeUnit.SECONDS);
        assertThat(c).as("a mesh change within 5 s").isNotNull();
        return c;
    }

    @Test
    void aBurstOfChangesIsAppliedAsOneBatchAndPublishesOneGeneration() throws Exception {
        put("type: Mesh\nname: default\n");
        mirror.start();
        MeshChange loaded = next();
        assertThat(loaded.reloaded()).isTrue();
        long generation = mirror.current().number();

        // The worker is held while three Dataplanes are written: the debounce must gather them into one batch.
        CountDownLatch release = new CountDownLatch(1);
        worker.execute(() -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        put(EngineOverAds.dataplane("dp-1", "a", 8081));
        put(EngineOverAds.dataplane("dp-2", "b", 8082));
        put(EngineOverAds.dataplane("dp-3", "c", 8083));
        release.countDown();

        MeshChange burst = next();
        assertThat(burst.reloaded()).isFalse();
        assertThat(burst.dataplanes()).containsExactlyInAnyOrder("dp-1", "dp-2", "dp-3");
        assertThat(mirror.current().number()).as("one generation for the burst").isEqualTo(generation + 1);
        assertThat(burst.after().inputs.dataplanes()).containsOnlyKeys("dp-1", "dp-2", "dp-3");
        assertThat(burst.after().index.serviceNames()).containsExactlyInAnyOrder("a", "b", "c");

        // The next change is its own batch, and the only one: nothing was left over from the burst.
        put(EngineOverAds.dataplane("dp-4", "d", 8084));
        assertThat(next().dataplanes()).containsExactly("dp-4");
        assertThat(mirror.current().number()).isEqualTo(generation + 2);
        assertThat(changes).isEmpty();
    }

    @Test
    void aPublishedGenerationNeverChanges() throws Exception {
        put("type: Mesh\nname: default\n");
        put(EngineOverAds.dataplane("dp-1", "a", 8081));
        mirror.start();
        next();
        MeshMirror.Generation before = mirror.current();
        MeshState old = before.mesh("default");

        put(EngineOverAds.dataplane("dp-2", "b", 8082));
        put("""
                type: MeshTimeout
                mesh: default
                name: t1
                spec:
                  targetRef: {kind: Mesh}
                  to:
                  - targetRef: {kind: Mesh}
                    default: {connectionTimeout: 3s}
                """);
        MeshChange change = next();
        while (change.policies().isEmpty()) change = next(); // the two writes may land in one batch or two

        MeshMirror.Generation after = mirror.current();
        assertThat(after.number()).isGreaterThan(before.number());
        assertThat(before.mesh("default")).as("the old generation still holds the old state").isSameAs(old);
        assertThat(old.inputs.dataplanes()).containsOnlyKeys("dp-1");
        assertThat(old.inputs.policies()).isEmpty();
        assertThat(after.mesh("default").inputs.dataplanes()).containsOnlyKeys("dp-1", "dp-2");
        assertThat(after.mesh("default").inputs.policies(ResourceTypes.MESH_TIMEOUT)).extracting(Resource::key)
                .containsExactly(ResourceKey.of(ResourceTypes.MESH_TIMEOUT, "default", "t1"));
        assertThat(change.after()).isSameAs(after.mesh("default"));
        assertThat(change.policies()).singleElement().satisfies(p -> {
            assertThat(p.before()).isNull();
            assertThat(p.after().key().name()).isEqualTo("t1");
        });
    }

    @Test
    void aDeletedMeshLeavesTheMirrorAndIsReportedAsReloaded() throws Exception {
        put("type: Mesh\nname: gone\n");
        mirror.start();
        MeshState old = next().after();
        store.delete(ResourceKey.of(ResourceTypes.MESH, "", "gone"), Precondition.ANY).toCompletableFuture().join();
        MeshChange change = next();
        assertThat(change.reloaded()).isTrue();
        assertThat(change.before()).isSameAs(old);
        assertThat(change.after()).isNull();
        assertThat(mirror.mesh("gone")).isNull();
    }
}
