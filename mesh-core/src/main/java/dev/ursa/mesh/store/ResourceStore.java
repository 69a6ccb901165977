package dev.ursa.mesh.store;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where resources live. Implementations: {@link InMemoryStore} (embedded default) and the Postgres store in cp-common.
 * Every method completes exceptionally with a {@link StoreException} when refused; a failed write changes nothing.
 */
public interface ResourceStore {
    /** Fails with {@link StoreException.Unreadable} when the resource is stored but its stored form cannot be decoded. */
    CompletionStage<Optional<Resource>> get(ResourceKey key);

    /**
     * One page. A store leaves out resources it cannot decode (and reports them itself) rather than failing the whole
     * listing, so a page may hold fewer items than its size before the end: the next page starts at offset + size.
     */
    CompletionStage<Page> list(ListQuery query);

    /**
     * Every resource of {@code query}'s type, mesh and labels, in (mesh, name) order; its offset and size are ignored.
     * Resources that cannot be decoded are left out, as in {@link #list}. Reads page by page unless the store can do
     * better in one pass.
     */
    default CompletionStage<List<Resource>> listAll(ListQuery query) {
        return Pages.collect(this, new ListQuery(query.type(), query.mesh(), query.labels(), 0, ListQuery.MAX_SIZE), new ArrayList<>());
    }

    /**
     * Creates or replaces {@code resource} (its meta's version and timestamps are ignored) if the stored state satisfies
     * {@code precondition}. A mesh-scoped resource needs its Mesh to exist. Content equal to the stored one writes nothing.
     */
    CompletionStage<WriteResult> put(Resource resource, Precondition precondition);

    /**
     * Deletes a resource; deleting a Mesh deletes everything in it, atomically. Returns the deleted resource, or null
     * when its stored form could not be decoded ({@link StoreException.Unreadable}): such a row is deleted all the same.
     */
    CompletionStage<Resource> delete(ResourceKey key, Precondition precondition);

    ChangeFeed changes();
}
