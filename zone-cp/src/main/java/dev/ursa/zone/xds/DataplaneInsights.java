package dev.ursa.zone.xds;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.DataplaneInsightSpec;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.zone.xds.render.RenderFailure;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Publishes what the zone knows of a dataplane's config as its DataplaneInsight: KDS carries it to the global, so a
 * dataplane stuck on its last good config is visible there (as {@code <zone>.<name>}), not only in this zone. Writes
 * for one node are chained, so a failure followed quickly by its recovery cannot land in the other order. Called from
 * the xDS worker thread; the writes themselves run on the store's threads.
 */
final class DataplaneInsights {
    private static final Logger LOG = Logger.getLogger(DataplaneInsights.class);

    private final ResourceStore store;
    private final Map<NodeId, CompletableFuture<?>> lastWrite = new ConcurrentHashMap<>();

    DataplaneInsights(ResourceStore store) {
        this.store = store;
    }

    void renderFailing(NodeId id, RenderFailure failure) {
        var error = new DataplaneInsightSpec.RenderError(failure.type(), failure.resources(), failure.message(), failure.since().toString());
        Resource insight = new Resource(ResourceTypes.DATAPLANE_INSIGHT, Meta.fresh(id.mesh(), id.name(), Map.of()), new DataplaneInsightSpec(null, error));
        chain(id, () -> store.put(insight, Precondition.ANY));
    }

    /** The config computes again, or the node is gone: nothing to report. */
    void clear(NodeId id) {
        chain(id, () -> store.delete(ResourceKey.of(ResourceTypes.DATAPLANE_INSIGHT, id.mesh(), id.name()), Precondition.ANY));
    }

    private void chain(NodeId id, Supplier<CompletionStage<?>> write) {
        CompletableFuture<?> last = lastWrite.compute(id, (k, previous) -> {
            CompletableFuture<?> start = previous == null ? CompletableFuture.completedFuture(null) : previous;
            return start.handle((r, e) -> null).thenCompose(ignored -> write.get()).whenComplete((r, e) -> {
                Throwable cause = e instanceof CompletionException ce ? ce.getCause() : e;
                if (cause != null && !(cause instanceof StoreException.NotFound) && !(cause instanceof StoreException.MeshNotFound)) {
                    LOG.warnf("DataplaneInsight of %s not written: %s", id, cause.getMessage());
                }
            }).toCompletableFuture();
        });
        last.whenComplete((r, e) -> lastWrite.remove(id, last)); // only the tail is kept, and only while it runs
    }
}
