package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.DataplaneInsightSpec;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.zone.xds.mtls.WorkloadCertificate;
import dev.ursa.zone.xds.render.RenderFailure;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Publishes what the zone knows of each dataplane as its DataplaneInsight (Kuma's shape: subscriptions, mTLS; plus
 * Ursa's render error): KDS carries it to the global (as {@code <zone>.<name>}). Writes are coalesced per node, so
 * xDS traffic cannot flood the store or KDS: at most one write per node per flush interval, except that connects,
 * disconnects, NACKs and render errors are written at once ({@link #changed}). Writes for one node are chained, so
 * they land in the order they were made. A node that leaves stays as an offline insight ({@code disconnectTime}
 * set); its insight is deleted only with its self-registered Dataplane.
 *
 * <p>Threads: called on the xDS worker, whose scheduler also runs the delayed flushes; the writes run on the store's
 * threads.
 */
final class DataplaneInsights {
    private static final Logger LOG = Logger.getLogger(DataplaneInsights.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ResourceStore store;
    private final SerialWorker worker;
    private final Duration interval;
    private final String instanceId;
    private final Predicate<DataplaneNode> hasDataplane;
    private final Map<NodeId, CompletableFuture<?>> lastWrite = new ConcurrentHashMap<>();
    /** Per node: when it was last written and its pending delayed flush (worker only). */
    private final Map<NodeId, Flush> flushes = new HashMap<>();

    private static final class Flush {
        long lastNanos;
        ScheduledFuture<?> pending;
    }

    /** @param hasDataplane insights belong to dataplanes: a client-only node (no Dataplane) has none */
    DataplaneInsights(ResourceStore store, SerialWorker worker, Duration interval, String instanceId, Predicate<DataplaneNode> hasDataplane) {
        this.store = store;
        this.worker = worker;
        this.interval = interval;
        this.instanceId = instanceId;
        this.hasDataplane = hasDataplane;
    }

    String instanceId() {
        return instanceId;
    }

    /**
     * (worker) The node's state changed: written now when {@code prompt} (connect, disconnect, NACK, render error) or
     * when the last write is older than the interval, else once when the interval is over.
     */
    void changed(DataplaneNode node, boolean prompt) {
        Flush f = flushes.computeIfAbsent(node.id, k -> new Flush());
        long now = System.nanoTime();
        long due = f.lastNanos == 0 ? now : f.lastNanos + interval.toNanos();
        if (prompt || now - due >= 0) {
            if (f.pending != null) f.pending.cancel(false);
            f.pending = null;
            write(node, f, now);
        } else if (f.pending == null) {
            f.pending = worker.schedule(() -> {
                f.pending = null;
                if (flushes.get(node.id) == f) write(node, f, System.nanoTime());
            }, Duration.ofNanos(due - now));
        }
    }

    /**
     * (worker) The node is gone for good (grace period over): its last state is written offline, without a render
     * error (it has no config any more); with {@code deleteInsight} (its Dataplane goes too) the insight is deleted.
     */
    void gone(NodeId id, DataplaneNode node, boolean deleteInsight) {
        Flush f = flushes.remove(id);
        if (f != null && f.pending != null) f.pending.cancel(false);
        if (deleteInsight) {
            chain(id, () -> store.delete(ResourceKey.of(ResourceTypes.DATAPLANE_INSIGHT, id.mesh(), id.name()), Precondition.ANY));
        } else if (node != null && hasDataplane.test(node)) {
            node.subscriptions.closeAll(Instant.now());
            put(id, spec(node, null));
        }
    }

    private void write(DataplaneNode node, Flush f, long now) {
        f.lastNanos = now;
        if (!hasDataplane.test(node)) return;
        put(node.id, spec(node, node.renderFailure));
    }

    private DataplaneInsightSpec spec(DataplaneNode node, RenderFailure failure) {
        DataplaneInsightSpec.RenderError error = failure == null ? null
                : new DataplaneInsightSpec.RenderError(failure.type(), failure.resources(), failure.message(), failure.since().toString());
        return new DataplaneInsightSpec(node.subscriptions.json(instanceId), mtls(node), error);
    }

    /** Kuma's {@code mTLS}: present while the node holds a workload certificate. */
    private static JsonNode mtls(DataplaneNode node) {
        WorkloadCertificate cert = node.certificate;
        if (cert == null) return null;
        ObjectNode o = NODES.objectNode();
        o.put("certificateExpirationTime", cert.notAfter().toString());
        if (node.certificateIssuedAt != null) o.put("lastCertificateRegeneration", node.certificateIssuedAt.toString());
        o.put("certificateRegenerations", node.certificateRegenerations);
        if (node.certificateBackend != null) o.put("issuedBackend", node.certificateBackend);
        return o;
    }

    private void put(NodeId id, DataplaneInsightSpec spec) {
        Resource insight = new Resource(ResourceTypes.DATAPLANE_INSIGHT, Meta.fresh(id.mesh(), id.name(), Map.of()), spec);
        chain(id, () -> store.put(insight, Precondition.ANY));
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

    /** Used at start: insights of an earlier run that still say online are marked offline (their streams are gone). */
    static DataplaneInsightSpec offline(DataplaneInsightSpec spec, String at) {
        if (spec.subscriptions() == null) return spec;
        List<JsonNode> subs = spec.subscriptions().stream().map(s -> {
            if (s.has("disconnectTime") || !(s instanceof ObjectNode o)) return s;
            ObjectNode copy = o.deepCopy();
            copy.put("disconnectTime", at);
            return (JsonNode) copy;
        }).toList();
        return new DataplaneInsightSpec(subs, spec.mTLS(), null);
    }
}
