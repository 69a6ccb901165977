package dev.ursa.mesh.store;

import dev.ursa.mesh.model.Resource;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Reads a listing page after page ({@link ResourceStore#listAll}). */
final class Pages {
    private Pages() {
    }

    static CompletionStage<List<Resource>> collect(ResourceStore store, ListQuery query, List<Resource> into) {
        return store.list(query).thenCompose(page -> {
            into.addAll(page.items());
            // By size, not by items: a page may leave out resources the store could not decode.
            long next = (long) query.offset() + query.size();
            if (next >= page.total()) return CompletableFuture.completedFuture(List.copyOf(into));
            return collect(store, new ListQuery(query.type(), query.mesh(), query.labels(), (int) next, query.size()), into);
        });
    }
}
