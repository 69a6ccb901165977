package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.cp.leader.ReplicaSubscriptions;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
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
 * <p>Replicas: several zone CP replicas on one database each hold some dataplanes' streams, and a dataplane may move
 * from one to another. Each replica owns the subscriptions stamped with its instance id and merges them into the stored
 * insight (If-Match), so no replica's write erases another's; the newest stream (by connect time) is last. A replica
 * whose node left deletes nothing while another live replica holds an open stream of that node ({@link #gone}).
 *
 * <p>Threads: called on the xDS worker, whose scheduler also runs the delayed flushes; the writes run on the store's
 * threads.
 */
final class DataplaneInsights {
    private static final Logger LOG = Logger.getLogger(DataplaneInsights.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The field of a subscription naming the replica that holds its stream (Kuma's). */
    static final String INSTANCE = "controlPlaneInstanceId";
    private static final int MAX_MERGE_ATTEMPTS = 5;
    private static final Executor BLOCKING = task -> Thread.ofVirtual().name("ursa-insight-replicas").start(task);

    private final ResourceStore store;
    private final SerialWorker worker;
    private final Duration interval;
    private final Leadership replicas;
    private final Predicate<DataplaneNode> hasDataplane;
    private final Map<NodeId, CompletableFuture<?>> lastWrite = new ConcurrentHashMap<>();
    /** Per node: when it was last written and its pending delayed flush (worker only). */
    private final Map<NodeId, Flush> flushes = new HashMap<>();

    private static final class Flush {
        long lastNanos;
        ScheduledFuture<?> pending;
    }

    /** @param hasDataplane insights belong to dataplanes: a client-only node (no Dataplane) has none */
    DataplaneInsights(ResourceStore store, SerialWorker worker, Duration interval, Leadership replicas, Predicate<DataplaneNode> hasDataplane) {
        this.store = store;
        this.worker = worker;
        this.interval = interval;
        this.replicas = replicas;
        this.hasDataplane = hasDataplane;
    }

    String instanceId() {
        return replicas.instanceId();
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
     * error (it has no config any more); with {@code deleteInsight} (its Dataplane goes too) the insight is deleted —
     * unless another live replica holds an open stream of the node (it moved there): then this replica only closes its
     * own subscriptions.
     *
     * @return whether another live replica serves the node (its Dataplane must stay); true also when that cannot be told
     */
    CompletionStage<Boolean> gone(NodeId id, DataplaneNode node, boolean deleteInsight) {
        Flush f = flushes.remove(id);
        if (f != null && f.pending != null) f.pending.cancel(false);
        DataplaneInsightSpec offline = null;
        if (node != null && hasDataplane.test(node)) {
            node.subscriptions.closeAll(Instant.now());
            offline = spec(node, null);
        }
        DataplaneInsightSpec mine = offline;
        CompletableFuture<Boolean> servedElsewhere = new CompletableFuture<>();
        chain(id, () -> servedElsewhere(id).thenCompose(elsewhere -> {
            CompletionStage<?> write = deleteInsight && !elsewhere
                    ? store.delete(key(id), Precondition.ANY)
                    : mine != null ? merged(id, mine, 0) : CompletableFuture.completedFuture(null);
            return write.whenComplete((r, e) -> servedElsewhere.complete(elsewhere));
        }));
        return servedElsewhere;
    }

    /** Whether a live replica other than this one holds an open stream of the node, by its stored insight. */
    private CompletionStage<Boolean> servedElsewhere(NodeId id) {
        return store.get(key(id)).thenApplyAsync(stored -> {
            Set<String> holders = stored.map(r -> ReplicaSubscriptions.openElsewhere(
                    r.spec(DataplaneInsightSpec.class).subscriptions(), INSTANCE, instanceId())).orElse(Set.of());
            // asked only when it matters: on Postgres it is a query (hence off the store's threads)
            return !holders.isEmpty() && holders.stream().anyMatch(replicas.liveReplicas()::contains);
        }, BLOCKING).exceptionally(e -> {
            LOG.warnf("%s left this replica; cannot tell whether another replica serves it (%s): its Dataplane stays", id, e.getMessage());
            return true;
        });
    }

    private void write(DataplaneNode node, Flush f, long now) {
        f.lastNanos = now;
        if (!hasDataplane.test(node)) return;
        put(node.id, spec(node, node.renderFailure));
    }

    private DataplaneInsightSpec spec(DataplaneNode node, RenderFailure failure) {
        DataplaneInsightSpec.RenderError error = failure == null ? null
                : new DataplaneInsightSpec.RenderError(failure.type(), failure.resources(), failure.message(), failure.since().toString());
        return new DataplaneInsightSpec(node.subscriptions.json(instanceId()), mtls(node), error);
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
        chain(id, () -> merged(id, spec, 0));
    }

    /** Writes this replica's view of the node merged into the stored insight, If-Match (retried on a concurrent write). */
    private CompletionStage<?> merged(NodeId id, DataplaneInsightSpec mine, int attempt) {
        return store.get(key(id)).thenCompose(stored -> {
            DataplaneInsightSpec spec = stored.map(r -> merge(r.spec(DataplaneInsightSpec.class), mine, instanceId())).orElse(mine);
            Precondition expected = stored.map(r -> Precondition.version(r.meta().version())).orElse(Precondition.ABSENT);
            return store.put(new Resource(ResourceTypes.DATAPLANE_INSIGHT, Meta.fresh(id.mesh(), id.name(), Map.of()), spec), expected);
        }).handle((r, e) -> {
            Throwable cause = e instanceof CompletionException ce ? ce.getCause() : e;
            if (cause == null) return CompletableFuture.completedFuture(r);
            boolean raced = cause instanceof StoreException.Conflict || cause instanceof StoreException.AlreadyExists;
            return raced && attempt < MAX_MERGE_ATTEMPTS ? merged(id, mine, attempt + 1) : CompletableFuture.failedStage(cause);
        }).thenCompose(c -> c);
    }

    /**
     * The stored insight with this replica's subscriptions put in: other replicas' stay, this replica's are replaced,
     * the newest {@link XdsSubscriptions#KEPT} are kept in connect order. mTLS and the render error are the replica's
     * whose stream is the newest.
     */
    static DataplaneInsightSpec merge(DataplaneInsightSpec stored, DataplaneInsightSpec mine, String self) {
        List<JsonNode> subs = new ArrayList<>();
        if (stored.subscriptions() != null) {
            for (JsonNode s : stored.subscriptions()) if (!self.equals(s.path(INSTANCE).asText())) subs.add(s);
        }
        if (subs.isEmpty()) return mine;
        if (mine.subscriptions() != null) subs.addAll(mine.subscriptions());
        subs.sort(Comparator.comparing(DataplaneInsights::connectTime)); // stable: equal times keep their order
        List<JsonNode> kept = subs.size() <= XdsSubscriptions.KEPT ? subs : subs.subList(subs.size() - XdsSubscriptions.KEPT, subs.size());
        boolean mineNewest = !kept.isEmpty() && self.equals(kept.getLast().path(INSTANCE).asText());
        return mineNewest ? new DataplaneInsightSpec(List.copyOf(kept), mine.mTLS(), mine.renderError())
                : new DataplaneInsightSpec(List.copyOf(kept), stored.mTLS(), stored.renderError());
    }

    private static Instant connectTime(JsonNode subscription) {
        try {
            return Instant.parse(subscription.path("connectTime").asText());
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private static ResourceKey key(NodeId id) {
        return ResourceKey.of(ResourceTypes.DATAPLANE_INSIGHT, id.mesh(), id.name());
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
