package dev.ursa.mesh.store;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where resources live. Implementations: {@link InMemoryStore} (embedded default) and the Postgres store in cp-common.
 * Every method completes exceptionally with a {@link StoreException} when refused; a failed write changes nothing.
 */
public interface ResourceStore {
    CompletionStage<Optional<Resource>> get(ResourceKey key);

    CompletionStage<Page> list(ListQuery query);

    /**
     * Creates or replaces {@code resource} (its meta's version and timestamps are ignored) if the stored state satisfies
     * {@code precondition}. A mesh-scoped resource needs its Mesh to exist. Content equal to the stored one writes nothing.
     */
    CompletionStage<WriteResult> put(Resource resource, Precondition precondition);

    /** Deletes a resource; deleting a Mesh deletes everything in it, atomically. Returns the deleted resource. */
    CompletionStage<Resource> delete(ResourceKey key, Precondition precondition);

    ChangeFeed changes();
}
