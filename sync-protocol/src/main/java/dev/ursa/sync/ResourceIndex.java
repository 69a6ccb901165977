package dev.ursa.sync;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Page;
import dev.ursa.mesh.store.ResourceStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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
    private final LinkedBlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean running = true;
    private AutoCloseable subscription;

    /** @param include which resources of {@code types} this side offers (e.g. not those it received from its peer) */
    public ResourceIndex(ResourceStore store, Collection<ResourceType> types, Predicate<Resource> include) {
        this.store = store;
        this.include = include;
        for (ResourceType t : types) {
            this.types.put(KdsTypes.typeUrl(t), t);
            byType.put(KdsTypes.typeUrl(t), new ConcurrentHashMap<>());
        }
        this.worker = Thread.ofPlatform().daemon().name("kds-index").unstarted(this::run);
    }

    /** Subscribes to changes, loads every resource (blocking), then follows the feed. */
    public ResourceIndex start() {
        subscription = store.changes().subscribe(e -> {
            if (types.containsKey(KdsTypes.TYPE_URL_PREFIX + e.key().type())) events.add(e);
        });
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
            int offset = 0;
            while (true) {
                Page page = await(store.list(new ListQuery(type, null, Map.of(), offset, ListQuery.MAX_SIZE)));
                for (Resource r : page.items()) {
                    if (include.test(r)) {
                        VersionedResource v = VersionedResource.of(r);
                        target.put(v.name(), v);
                    }
                }
                offset += page.items().size();
                if (page.items().isEmpty() || offset >= page.total()) break;
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

    public AutoCloseable listen(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void run() {
        List<ChangeEvent> batch = new ArrayList<>();
        while (running) {
            try {
                ChangeEvent first = events.poll(1, TimeUnit.SECONDS);
                if (first == null) continue;
                batch.add(first);
                events.drainTo(batch, 5000);
                apply(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "KDS index could not apply changes; will retry them", e);
                events.addAll(batch);
                pause();
            } finally {
                batch.clear();
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
            Optional<Resource> current = await(store.get(key));
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
        changed.forEach((typeUrl, names) -> {
            for (Listener l : listeners) {
                try {
                    l.changed(typeUrl, names, oldest.get(typeUrl));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "KDS index listener failed", e);
                }
            }
        });
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
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing change subscription", e);
            }
        }
    }
}
