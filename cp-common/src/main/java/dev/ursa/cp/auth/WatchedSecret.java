package dev.ursa.cp.auth;

import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ResourceStore;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The parsed value of one internal secret, kept current from the store's change feed (and re-read after a resync),
 * so a change made by any instance sharing the database is seen here. Reads are lock-free (a volatile snapshot);
 * re-reads run on this secret's own thread and then tell the listeners, on that thread.
 */
final class WatchedSecret<T> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WatchedSecret.class);

    private final ResourceStore store;
    private final String name;
    private final Function<Optional<String>, T> parse;
    private final List<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService refresher;
    private final AutoCloseable changes;
    private final AutoCloseable resyncs;
    private volatile T value;

    WatchedSecret(ResourceStore store, String name, Function<Optional<String>, T> parse) {
        this.store = store;
        this.name = name;
        this.parse = parse;
        this.refresher = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("secret-" + name).factory());
        this.changes = store.changes().subscribe(e -> {
            if (e.key().type().equals(ResourceTypes.GLOBAL_SECRET.name()) && e.key().name().equals(name)) refreshLater();
        });
        this.resyncs = store.changes().subscribeResync(r -> refreshLater());
    }

    /** The current value, read from the store on first use (blocking; throws if the store cannot answer). */
    T get() {
        T v = value;
        return v != null ? v : refresh();
    }

    /** Re-reads now (blocking) and tells the listeners if the value changed. */
    synchronized T refresh() {
        T next = parse.apply(StoredSecrets.read(store, name));
        T before = value;
        value = next;
        if (before != null && !before.equals(next)) listeners.forEach(l -> l.accept(next));
        return next;
    }

    void onChange(Consumer<T> listener) {
        listeners.add(listener);
    }

    private void refreshLater() {
        refresher.execute(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                LOG.warnf("cannot re-read internal secret %s: %s (kept the previous value)", name, e.getMessage());
            }
        });
    }

    @Override
    public void close() throws Exception {
        changes.close();
        resyncs.close();
        refresher.shutdownNow();
    }
}
