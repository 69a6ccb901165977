package dev.ursa.mesh.store;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The embedded store. Reads are lock-free over a sorted map; writes are serialised by one lock so that version checks,
 * mesh cascades and change-event order are trivially consistent. Change events are delivered on the writing thread,
 * after the write and in commit order.
 */
public final class InMemoryStore implements ResourceStore, ChangeFeed {
    private final ConcurrentSkipListMap<ResourceKey, Resource> resources = new ConcurrentSkipListMap<>();
    private final List<Consumer<ChangeEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Clock clock;

    public InMemoryStore() {
        this(Clock.systemUTC());
    }

    public InMemoryStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public CompletionStage<Optional<Resource>> get(ResourceKey key) {
        return CompletableFuture.completedFuture(Optional.ofNullable(resources.get(key)));
    }

    @Override
    public CompletionStage<Page> list(ListQuery q) {
        List<Resource> matches = matching(q);
        int fromIndex = Math.min(q.offset(), matches.size());
        int toIndex = Math.min(fromIndex + q.size(), matches.size());
        return CompletableFuture.completedFuture(new Page(matches.subList(fromIndex, toIndex), matches.size()));
    }

    /** One pass, so a reader of every resource never pages (each page would scan them all again). */
    @Override
    public CompletionStage<List<Resource>> listAll(ListQuery q) {
        return CompletableFuture.completedFuture(matching(q));
    }

    private List<Resource> matching(ListQuery q) {
        String type = q.type().name();
        List<Resource> matches = new ArrayList<>();
        for (var e : resources.tailMap(new ResourceKey(type, q.mesh() == null ? "" : q.mesh(), ""), true).entrySet()) {
            ResourceKey k = e.getKey();
            if (!k.type().equals(type) || (q.mesh() != null && !k.mesh().equals(q.mesh()))) break;
            if (q.matchesLabels(e.getValue().meta().labels())) matches.add(e.getValue());
        }
        return matches;
    }

    @Override
    public CompletionStage<WriteResult> put(Resource resource, Precondition precondition) {
        return attempt(() -> {
            ResourceKey key = resource.key();
            List<ChangeEvent> events = new ArrayList<>(1);
            WriteResult result;
            writeLock.lock();
            try {
                if (resource.type().meshScoped() && !resources.containsKey(meshKey(key.mesh()))) {
                    throw new StoreException.MeshNotFound(key);
                }
                Resource stored = resources.get(key);
                precondition.check(key, stored == null ? null : stored.meta().version());
                if (stored != null && sameContent(stored, resource)) {
                    return new WriteResult(stored, null);
                }
                Instant now = clock.instant();
                Meta meta = stored == null
                        ? resource.meta().stored(now, now, 1)
                        : resource.meta().stored(stored.meta().creationTime(), now, stored.meta().version() + 1);
                Resource saved = resource.withMeta(meta);
                resources.put(key, saved);
                ChangeKind kind = stored == null ? ChangeKind.CREATED : ChangeKind.UPDATED;
                events.add(new ChangeEvent(key, kind, meta.version(), now));
                result = new WriteResult(saved, kind);
                publish(events);
            } finally {
                writeLock.unlock();
            }
            return result;
        });
    }

    @Override
    public CompletionStage<Resource> delete(ResourceKey key, Precondition precondition) {
        return attempt(() -> {
            writeLock.lock();
            try {
                Resource stored = resources.get(key);
                if (stored == null) throw new StoreException.NotFound(key);
                precondition.check(key, stored.meta().version());
                Instant now = clock.instant();
                List<ChangeEvent> events = new ArrayList<>();
                if (key.type().equals(ResourceTypes.MESH.name())) {
                    for (var type : ResourceTypes.meshScoped()) {
                        var inMesh = resources.subMap(new ResourceKey(type.name(), key.name(), ""), true,
                                new ResourceKey(type.name(), key.name() + "\0", ""), false);
                        for (Resource r : List.copyOf(inMesh.values())) {
                            resources.remove(r.key());
                            events.add(new ChangeEvent(r.key(), ChangeKind.DELETED, r.meta().version(), now));
                        }
                    }
                }
                resources.remove(key);
                events.add(new ChangeEvent(key, ChangeKind.DELETED, stored.meta().version(), now));
                publish(events);
                return stored;
            } finally {
                writeLock.unlock();
            }
        });
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

    /** Number of stored resources of every type (for metrics and tests). */
    public int size() {
        return resources.size();
    }

    public static boolean sameContent(Resource a, Resource b) {
        return a.spec().equals(b.spec()) && a.meta().labels().equals(b.meta().labels());
    }

    private static ResourceKey meshKey(String mesh) {
        return new ResourceKey(ResourceTypes.MESH.name(), "", mesh);
    }

    private void publish(List<ChangeEvent> events) {
        for (ChangeEvent e : events) {
            for (Consumer<ChangeEvent> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    // A faulty listener must not undo or block a committed write.
                    System.getLogger(InMemoryStore.class.getName()).log(System.Logger.Level.WARNING, "change listener failed on " + e, ex);
                }
            }
        }
    }

    private static <T> CompletionStage<T> attempt(Supplier<T> work) {
        try {
            return CompletableFuture.completedFuture(work.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

}
