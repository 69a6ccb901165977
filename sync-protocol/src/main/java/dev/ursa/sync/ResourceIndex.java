package dev.ursa.sync;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What one side offers over KDS: the resources of some types, versioned and encoded once, kept current from the
 * store's change feed by one worker thread. Every stream diffs against it, so a change is read and encoded once
 * however many zones receive it. Listeners hear which names changed, after the index holds the new state.
 * <p>
 * The feed can lose events (Postgres LISTEN down): on the feed's {@link ResyncNeeded}, on {@link #resync} and every
 * {@code resyncInterval} (a safety net) the worker re-lists the store and diffs it against the index; what differs
 * reaches listeners like any change. A name the listing lacks is removed only after a {@code get} confirms it is gone
 * (offset paging can skip a row when another is deleted meanwhile, and a spurious removal would delete it in zones).
 * <p>
 * A resource whose stored row stops decoding ({@link StoreException.Unreadable}; the store logs and counts it) keeps
 * its last good version here, so peers keep it too, and the other changes keep flowing; its next readable version
 * replaces it as usual. One that was never readable since the index started is not offered at all.
 */
public final class ResourceIndex implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ResourceIndex.class.getName());
    private static final long STORE_TIMEOUT_SECONDS = 30;

    public interface Listener {
        /** Names of one type that changed; {@code at} is when the oldest of these changes was committed. */
        void changed(String typeUrl, Set<String> names, Instant at);
    }

    private final ResourceStore store;
    private final Map<String, ResourceType> types = new LinkedHashMap<>();
    private final Predicate<Resource> include;
    private final Map<String, Map<String, VersionedResource>> byType = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Work> work = new LinkedBlockingQueue<>();
    private final Duration resyncInterval;
    private final Thread worker;
    private volatile boolean running = true;
    private volatile long resyncs;
    private AutoCloseable subscription;
    private AutoCloseable resyncSubscription;

    /** What the worker does next: follow one change, or re-list everything. */
    private sealed interface Work {
    }

    private record Change(ChangeEvent event) implements Work {
    }

    private record Resync(String reason) implements Work {
    }

    /** @param include which resources of {@code types} this side offers (e.g. not those it received from its peer) */
    public ResourceIndex(ResourceStore store, Collection<ResourceType> types, Predicate<Resource> include) {
        this(store, types, include, Duration.ZERO);
    }

    /** @param resyncInterval re-list the store this often as a safety net; zero or negative = only when the feed asks */
    public ResourceIndex(ResourceStore store, Collection<ResourceType> types, Predicate<Resource> include, Duration resyncInterval) {
        this.store = store;
        this.include = include;
        this.resyncInterval = resyncInterval;
        for (ResourceType t : types) {
            this.types.put(KdsTypes.typeUrl(t), t);
            byType.put(KdsTypes.typeUrl(t), new ConcurrentHashMap<>());
        }
        this.worker = Thread.ofPlatform().daemon().name("kds-index").unstarted(this::run);
    }

    /** Subscribes to changes, loads every resource (blocking), then follows the feed. */
    public ResourceIndex start() {
        subscription = store.changes().subscribe(e -> {
            if (types.containsKey(KdsTypes.TYPE_URL_PREFIX + e.key().type())) work.add(new Change(e));
        });
        resyncSubscription = store.changes().subscribeResync(r -> resync(r.reason()));
        try {
            load();
        } catch (RuntimeException e) {
            close(); // the store did not answer: leave nothing subscribed
            throw e;
        }
        worker.start();
        return this;
    }

    private void load() {
        for (ResourceType type : types.values()) {
            Map<String, VersionedResource> target = byType.get(KdsTypes.typeUrl(type));
            for (Resource r : await(store.listAll(ListQuery.all(type)))) {
                if (include.test(r)) {
                    VersionedResource v = VersionedResource.of(r);
                    target.put(v.name(), v);
                }
            }
        }
    }

    /** The current resources of a type by delta name (a live, read-only view). */
    public Map<String, VersionedResource> snapshot(String typeUrl) {
        Map<String, VersionedResource> m = byType.get(typeUrl);
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(m);
    }

    public Optional<ResourceType> type(String typeUrl) {
        return Optional.ofNullable(types.get(typeUrl));
    }

    public List<String> typeUrls() {
        return List.copyOf(types.keySet());
    }

    public int size() {
        return byType.values().stream().mapToInt(Map::size).sum();
    }

    /** Asks the worker to re-list the store and send listeners what differs (asynchronous). */
    public void resync(String reason) {
        work.add(new Resync(reason));
    }

    /** How many resyncs have completed (metrics and tests). */
    public long resyncs() {
        return resyncs;
    }

    public AutoCloseable listen(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void run() {
        List<Work> batch = new ArrayList<>();
        long nextResync = nextResync();
        while (running) {
            try {
                long waitNanos = Math.min(TimeUnit.SECONDS.toNanos(1), Math.max(0, nextResync - System.nanoTime()));
                Work first = work.poll(waitNanos, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    work.drainTo(batch, 5000);
                }
                String reason = null;
                List<ChangeEvent> changes = new ArrayList<>();
                for (Work w : batch) {
                    switch (w) {
                        case Change c -> changes.add(c.event());
                        case Resync r -> reason = r.reason();
                    }
                }
                if (reason == null && System.nanoTime() - nextResync >= 0) reason = "periodic reconciliation every " + resyncInterval;
                if (reason != null) {
                    // A full re-list covers every queued change as well.
                    resyncNow(reason);
                    nextResync = nextResync();
                } else if (!changes.isEmpty()) {
                    apply(changes);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "KDS index could not apply changes; will retry them", e);
                work.addAll(batch);
                pause();
            } finally {
                batch.clear();
            }
        }
    }

    private long nextResync() {
        return resyncInterval.isPositive() ? System.nanoTime() + resyncInterval.toNanos() : Long.MAX_VALUE / 2 + System.nanoTime();
    }

    /** Re-lists every type and brings the index (and, through listeners, every stream) to what the store holds. */
    private void resyncNow(String reason) {
        long t0 = System.nanoTime();
        Map<String, Set<String>> changed = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (ResourceType type : types.values()) {
            String typeUrl = KdsTypes.typeUrl(type);
            Map<String, VersionedResource> target = byType.get(typeUrl);
            Set<String> listed = new HashSet<>();
            Set<String> names = new LinkedHashSet<>();
            for (Resource r : await(store.listAll(ListQuery.all(type)))) {
                if (!include.test(r)) continue;
                String name = Envelope.deltaName(r);
                listed.add(name);
                VersionedResource before = target.get(name);
                // Hash first; encode only what differs (a resync of an index in step costs no encoding).
                if (before == null || !before.version().equals(Envelope.version(r))) {
                    target.put(name, VersionedResource.of(r));
                    names.add(name);
                }
            }
            for (var e : List.copyOf(target.entrySet())) {
                if (listed.contains(e.getKey())) continue;
                Optional<Resource> current;
                try {
                    current = await(store.get(e.getValue().resource().key()));
                } catch (StoreException.Unreadable unreadable) {
                    continue; // listings leave an unreadable row out: it is not gone, keep its last good version
                }
                if (current.isPresent() && include.test(current.get())) {
                    VersionedResource v = VersionedResource.of(current.get()); // skipped by paging, still there
                    if (!v.version().equals(e.getValue().version())) {
                        target.put(e.getKey(), v);
                        names.add(e.getKey());
                    }
                } else {
                    target.remove(e.getKey());
                    names.add(e.getKey());
                }
            }
            if (!names.isEmpty()) changed.put(typeUrl, names);
        }
        resyncs++;
        int differences = changed.values().stream().mapToInt(Set::size).sum();
        LOG.log(differences > 0 ? System.Logger.Level.INFO : System.Logger.Level.DEBUG, "KDS index resynced (" + reason + ") in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms: " + differences + " resources differed from the change feed's view");
        changed.forEach((typeUrl, names) -> notifyListeners(typeUrl, names, now));
    }

    private void notifyListeners(String typeUrl, Set<String> names, Instant at) {
        for (Listener l : listeners) {
            try {
                l.changed(typeUrl, names, at);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "KDS index listener failed", e);
            }
        }
    }

    private void apply(List<ChangeEvent> batch) {
        Map<ResourceKey, Instant> keys = new LinkedHashMap<>();
        for (ChangeEvent e : batch) keys.putIfAbsent(e.key(), e.at());
        Map<String, Set<String>> changed = new LinkedHashMap<>();
        Map<String, Instant> oldest = new HashMap<>();
        for (var entry : keys.entrySet()) {
            ResourceKey key = entry.getKey();
            String typeUrl = KdsTypes.TYPE_URL_PREFIX + key.type();
            ResourceType type = types.get(typeUrl);
            Map<String, VersionedResource> target = byType.get(typeUrl);
            String name = Envelope.deltaName(type, key.mesh(), key.name());
            Optional<Resource> current;
            try {
                current = await(store.get(key));
            } catch (StoreException.Unreadable unreadable) {
                continue; // keep its last good version, and apply the rest of the batch
            }
            VersionedResource before = target.get(name);
            if (current.isPresent() && include.test(current.get())) {
                VersionedResource now = VersionedResource.of(current.get());
                if (before != null && before.version().equals(now.version())) continue;
                target.put(name, now);
            } else {
                if (before == null) continue;
                target.remove(name);
            }
            changed.computeIfAbsent(typeUrl, t -> new LinkedHashSet<>()).add(name);
            oldest.merge(typeUrl, entry.getValue(), (a, b) -> a.isBefore(b) ? a : b);
        }
        changed.forEach((typeUrl, names) -> notifyListeners(typeUrl, names, oldest.get(typeUrl)));
    }

    private void pause() {
        try {
            Thread.sleep(500); // back off from a failing store; not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new dev.ursa.mesh.store.StoreException.Unavailable("store did not answer within " + STORE_TIMEOUT_SECONDS + "s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.ursa.mesh.store.StoreException.Unavailable("interrupted", e);
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        for (AutoCloseable c : new AutoCloseable[]{subscription, resyncSubscription}) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing change subscription", e);
            }
        }
    }
}
