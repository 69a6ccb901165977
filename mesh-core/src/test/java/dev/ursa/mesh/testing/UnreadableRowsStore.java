package dev.ursa.mesh.testing;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.store.ChangeFeed;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Page;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.store.WriteResult;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory store in which chosen resources read the way the Postgres store reads a row that no longer decodes:
 * {@code get} fails with {@link StoreException.Unreadable} (carrying the stored labels and version), listings leave
 * them out (the total still counts them), a put through this store replaces one and a delete removes it.
 */
public final class UnreadableRowsStore implements ResourceStore {
    private final InMemoryStore delegate = new InMemoryStore();
    private final Set<ResourceKey> unreadable = ConcurrentHashMap.newKeySet();

    /**
     * Stores {@code resource} as a writer this store cannot read would (another Ursa version, a hand edit that also
     * notified): a change event goes out, and from now on the resource reads as unreadable.
     */
    public void writeUnreadable(Resource resource) {
        unreadable.add(resource.key());
        delegate.put(resource, Precondition.ANY).toCompletableFuture().join();
    }

    /** The same without a change event, like {@code UPDATE ursa_resource SET spec = ...} by hand. */
    public void breakSilently(ResourceKey key) {
        unreadable.add(key);
    }

    /** What is stored under {@code key}, readable or not: the test's view of the row. */
    public Optional<Resource> stored(ResourceKey key) {
        return delegate.get(key).toCompletableFuture().join();
    }

    @Override
    public CompletionStage<Optional<Resource>> get(ResourceKey key) {
        return delegate.get(key).thenCompose(found -> found.isPresent() && unreadable.contains(key)
                ? CompletableFuture.failedFuture(new StoreException.Unreadable(key, found.get().meta(), new IllegalStateException("test: spec does not decode")))
                : CompletableFuture.completedFuture(found));
    }

    @Override
    public CompletionStage<Page> list(ListQuery query) {
        return delegate.list(query).thenApply(p -> new Page(p.items().stream().filter(r -> !unreadable.contains(r.key())).toList(), p.total()));
    }

    @Override
    public CompletionStage<WriteResult> put(Resource resource, Precondition precondition) {
        // Readable before the change event goes out (as a committed Postgres row is before its NOTIFY): a listener that
        // reads it on the event must see the new row. A refused write leaves the row as it was.
        boolean wasUnreadable = unreadable.remove(resource.key());
        return delegate.put(resource, precondition).whenComplete((written, error) -> {
            if (error != null && wasUnreadable) unreadable.add(resource.key());
        });
    }

    @Override
    public CompletionStage<Resource> delete(ResourceKey key, Precondition precondition) {
        boolean wasUnreadable = unreadable.remove(key);
        return delegate.delete(key, precondition).whenComplete((deleted, error) -> {
            if (error != null && wasUnreadable) unreadable.add(key);
        });
    }

    @Override
    public ChangeFeed changes() {
        return delegate.changes();
    }
}
