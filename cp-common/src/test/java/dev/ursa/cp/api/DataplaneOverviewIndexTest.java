package dev.ursa.cp.api;

import dev.ursa.cp.ControlPlaneRole;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeFeed;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Page;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.WriteResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overview index reads a mesh once, then only what the change feed names: a changed insight costs two reads, not
 * two listings, and every change (new, changed, deleted dataplane; insight connect and disconnect) shows in the next
 * snapshot, in name order.
 */
class DataplaneOverviewIndexTest {
    private static final ControlPlaneRole ZONE = new ControlPlaneRole() {
        @Override
        public Mode mode() {
            return Mode.ZONE;
        }

        @Override
        public Optional<String> zone() {
            return Optional.of("zone-1");
        }

        @Override
        public Optional<String> refuseWrite(ResourceType type) {
            return Optional.empty();
        }
    };

    private final CountingStore store = new CountingStore(new InMemoryStore());

    @Test
    void readsTheMeshOnceThenOnlyWhatChanged() throws Exception {
        put("type: Mesh\nname: m\n");
        for (int i = 3; i >= 1; i--) put(dataplane("dp-" + i, "svc-" + i));
        put(insight("dp-2", false));
        try (DataplaneOverviewIndex index = new DataplaneOverviewIndex(store, ZONE)) {
            var first = snapshot(index);
            assertThat(first.entries()).extracting(e -> e.dataplane().meta().name()).containsExactly("dp-1", "dp-2", "dp-3");
            assertThat(first.entries()).extracting(DataplaneStates.Entry::online).containsExactly(false, true, false);
            assertThat(first.entries()).extracting(DataplaneStates.Entry::zone).containsOnly("zone-1");
            assertThat(store.listings.get()).isEqualTo(2);

            store.reset();
            assertThat(snapshot(index).entries()).hasSize(3);
            assertThat(store.listings.get() + store.reads.get()).as("nothing changed: nothing read").isZero();

            put(insight("dp-1", false));
            put(insight("dp-2", true));
            var second = snapshot(index);
            assertThat(second.entries()).extracting(DataplaneStates.Entry::online).containsExactly(true, false, false);
            assertThat(store.listings.get()).isZero();
            assertThat(store.reads.get()).as("a dataplane and an insight per changed name").isEqualTo(4);

            put(dataplane("dp-0", "svc-0"));
            store.delegate.delete(ResourceKey.of(ResourceTypes.DATAPLANE, "m", "dp-3"), Precondition.ANY).toCompletableFuture().get(5, TimeUnit.SECONDS);
            put(dataplane("dp-1", "svc-9"));
            var third = snapshot(index);
            assertThat(third.entries()).extracting(e -> e.dataplane().meta().name()).containsExactly("dp-0", "dp-1", "dp-2");
            assertThat(third.byName("dp-1").orElseThrow().hasTag("kuma.io/service", "svc-9")).isTrue();
            assertThat(third.byName("dp-1").orElseThrow().online()).as("its insight kept").isTrue();
            assertThat(third.byName("dp-3")).isEmpty();
        }
    }

    private DataplaneOverviewIndex.Snapshot snapshot(DataplaneOverviewIndex index) throws Exception {
        return index.snapshot("m").toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static String dataplane(String name, String service) {
        return """
                type: Dataplane
                mesh: m
                name: %s
                networking:
                  address: 10.0.0.1
                  inbound:
                    - port: 8080
                      tags: {kuma.io/service: %s}
                """.formatted(name, service);
    }

    private static String insight(String name, boolean disconnected) {
        return """
                type: DataplaneInsight
                mesh: m
                name: %s
                subscriptions:
                  - id: "1"
                    connectTime: "2026-12-07T10:00:00Z"
                %s""".formatted(name, disconnected ? "    disconnectTime: \"2026-12-07T10:01:00Z\"\n" : "");
    }

    private void put(String yaml) throws Exception {
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        store.delegate.put(r, Precondition.ANY).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Counts the reads the index makes. */
    private static final class CountingStore implements ResourceStore {
        final ResourceStore delegate;
        final AtomicInteger listings = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();

        CountingStore(ResourceStore delegate) {
            this.delegate = delegate;
        }

        void reset() {
            listings.set(0);
            reads.set(0);
        }

        @Override
        public CompletionStage<Optional<Resource>> get(ResourceKey key) {
            reads.incrementAndGet();
            return delegate.get(key);
        }

        @Override
        public CompletionStage<Page> list(ListQuery query) {
            listings.incrementAndGet();
            return delegate.list(query);
        }

        @Override
        public CompletionStage<List<Resource>> listAll(ListQuery query) {
            listings.incrementAndGet();
            return delegate.listAll(query);
        }

        @Override
        public CompletionStage<WriteResult> put(Resource resource, Precondition precondition) {
            return delegate.put(resource, precondition);
        }

        @Override
        public CompletionStage<Resource> delete(ResourceKey key, Precondition precondition) {
            return delegate.delete(key, precondition);
        }

        @Override
        public ChangeFeed changes() {
            return delegate.changes();
        }
    }
}
