package dev.ursa.cp.store;

import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** TEMPORARY (memory only); replaced by the pgstore branch. */
@ApplicationScoped
public class StoreProducer {
    @Produces
    @ApplicationScoped
    ResourceStore store() {
        return new InMemoryStore();
    }
}
