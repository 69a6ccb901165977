package dev.ursa.sync;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeFeed;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Page;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.ResyncNeeded;
import dev.ursa.mesh.store.WriteResult;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The index catches up with changes its feed never delivered: on the feed's gap signal and periodically. */
class ResourceIndexResyncTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String TIMEOUTS = KdsTypes.TYPE_URL_PREFIX + "MeshTimeout";

    final LossyStore store = new LossyStore();
    ResourceIndex index;

    @AfterEach
    void close() {
        if (index != null) index.close();
    }

    @Test
    void theInMemoryStoreNeverSignalsAGap() throws Exception {
        InMemoryStore memory = new InMemoryStore();
        List<ResyncNeeded> signals = new CopyOnWriteArrayList<>();
        try (AutoCloseable ignored = memory.changes().subscribeResync(signals::add)) {
            memory.put(Fixtures.mesh("default"), Precondition.ANY);
            memory.delete(Fixtures.mesh("default").key(), Precondition.ANY);
        }
        assertThat(signals).isEmpty();
    }

    @Test
    void aGapSignalMakesTheIndexRelistAndTellListenersWhatItMissed() throws Exception {
        store.put(Fixtures.mesh("default"));
        store.put(Fixtures.timeout("default", "kept", "1s"));
        store.put(Fixtures.timeout("default", "updated", "1s"));
        store.put(Fixtures.timeout("default", "deleted", "1s"));
        index = new ResourceIndex(store, KdsTypes.globalToZone(), r -> true).start();
        Map<String, Set<String>> heard = new ConcurrentHashMap<>();
        index.listen((typeUrl, names, at) -> heard.computeIfAbsent(typeUrl, t -> ConcurrentHashMap.newKeySet()).addAll(names));

        store.dropping = true; // the feed is down: these commits produce no events
        store.put(Fixtures.timeout("default", "updated", "2s"));
        store.put(Fixtures.timeout("default", "created", "3s"));
        store.delete(Fixtures.timeout("default", "deleted", "1s").key());
        store.dropping = false;
        assertThat(index.snapshot(TIMEOUTS)).containsKey("default/deleted").doesNotContainKey("default/created");

        store.signalGap();

        Await.until("the index to match the store", WAIT, () -> versions(index).equals(versions(store)));
        Await.until("listeners to hear the missed names", WAIT, () -> Set.of("default/updated", "default/created", "default/deleted")
                .equals(heard.get(TIMEOUTS)));
        assertThat(index.resyncs()).isEqualTo(1);
    }

    @Test
    void periodicReconciliationCatchesUpWithoutAnySignal() throws Exception {
        store.put(Fixtures.mesh("default"));
        index = new ResourceIndex(store, KdsTypes.globalToZone(), r -> true, Duration.ofMillis(50)).start();
        store.dropping = true;
        store.put(Fixtures.timeout("default", "silent", "1s"));

        Await.until("the periodic resync to find the silent change", WAIT, () -> index.snapshot(TIMEOUTS).containsKey("default/silent"));
        assertThat(versions(index)).isEqualTo(versions(store));
    }

    @Test
    void aResourceTheListingSkipsIsNotRemovedWhileItStillExists() throws Exception {
        store.put(Fixtures.mesh("default"));
        store.put(Fixtures.timeout("default", "a", "1s"));
        store.put(Fixtures.timeout("default", "b", "1s"));
        index = new ResourceIndex(store, KdsTypes.globalToZone(), r -> true).start();
        List<Set<String>> heard = new CopyOnWriteArrayList<>();
        index.listen((typeUrl, names, at) -> heard.add(names));
        store.hideFromLists = "b"; // like offset paging skipping a row when an earlier one is deleted meanwhile

        index.resync("test");

        Await.until("the resync", WAIT, () -> index.resyncs() == 1);
        assertThat(index.snapshot(TIMEOUTS)).containsKeys("default/a", "default/b");
        assertThat(heard).isEmpty();
    }

    static Map<String, String> versions(ResourceIndex index) {
        return index.typeUrls().stream().flatMap(t -> index.snapshot(t).values().stream())
                .collect(Collectors.toMap(v -> v.resource().type().name() + "/" + v.name(), VersionedResource::version));
    }

    static Map<String, String> versions(LossyStore store) {
        return KdsTypes.globalToZone().stream()
                .flatMap(t -> ResourceIndex.await(store.list(ListQuery.all(t))).items().stream())
                .collect(Collectors.toMap(r -> r.type().name() + "/" + Envelope.deltaName(r), Envelope::version));
    }

    /** An in-memory store whose feed can drop events (a Postgres LISTEN connection that is down) and report the gap. */
    static final class LossyStore implements ResourceStore, ChangeFeed {
        final InMemoryStore delegate = new InMemoryStore();
        final List<Consumer<ChangeEvent>> listeners = new CopyOnWriteArrayList<>();
        final List<Consumer<ResyncNeeded>> resyncListeners = new CopyOnWriteArrayList<>();
        volatile boolean dropping;
        volatile String hideFromLists;

        LossyStore() {
            delegate.subscribe(e -> {
                if (!dropping) listeners.forEach(l -> l.accept(e));
            });
        }

        void put(Resource r) {
            ResourceIndex.await(put(r, Precondition.ANY));
        }

        void delete(ResourceKey key) {
            ResourceIndex.await(delete(key, Precondition.ANY));
        }

        void signalGap() {
            resyncListeners.forEach(l -> l.accept(new ResyncNeeded(null, Instant.now(), "test gap")));
        }

        @Override
        public CompletionStage<Optional<Resource>> get(ResourceKey key) {
            return delegate.get(key);
        }

        @Override
        public CompletionStage<Page> list(ListQuery query) {
            return delegate.list(query).thenApply(p -> hideFromLists == null ? p
                    : new Page(p.items().stream().filter(r -> !r.meta().name().equals(hideFromLists)).toList(), p.total() - 1));
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
            return this;
        }

        @Override
        public AutoCloseable subscribe(Consumer<ChangeEvent> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public AutoCloseable subscribeResync(Consumer<ResyncNeeded> listener) {
            resyncListeners.add(listener);
            return () -> resyncListeners.remove(listener);
        }
    }
}
