package dev.ursa.global.kds;

import dev.ursa.cp.auth.Revocations;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneInsightSpec;
import dev.ursa.mesh.resources.ZoneSpec;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.sync.peer.KdsServerHandler;
import io.grpc.Status;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Closes open KDS streams whose admission no longer holds, so a credential is not only checked at open: streams of a
 * revoked token (UNAUTHENTICATED), of a zone disabled (PERMISSION_DENIED) or deleted on the global (PERMISSION_DENIED,
 * and its tokens issued so far are refused from then on, see {@link ZoneDeletions}). Expiry is the handler's own
 * (it closes each stream at its token's {@code exp}). Changes made by any instance arrive through the store's feed;
 * after a feed gap the Zones are re-read. Listeners only hand work to {@code worker}, where the blocking store calls run.
 * <p>
 * Across global replicas, one zone CP holds one stream too: when a zone's insight shows a newer stream on another
 * replica ({@link InsightSubscriptions#displaced}), this replica closes its older streams of that zone with ABORTED (a
 * load balancer that moved the zone leaves the old stream half-open; nothing is deleted).
 */
final class ZoneStreamGuard implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ZoneStreamGuard.class);

    private final ResourceStore store;
    private final KdsServerHandler handler;
    private final ZoneDeletions deletions;
    private final Executor worker;
    private final ZoneInsights insights;
    private final List<AutoCloseable> subscriptions = new ArrayList<>();

    ZoneStreamGuard(ResourceStore store, KdsServerHandler handler, ZoneDeletions deletions, ZoneInsights insights, Executor worker) {
        this.store = store;
        this.insights = insights;
        this.handler = handler;
        this.deletions = deletions;
        this.worker = worker;
    }

    ZoneStreamGuard start() {
        subscriptions.add(store.changes().subscribe(e -> {
            if (e.key().type().equals(ResourceTypes.ZONE.name())) worker.execute(() -> zoneChanged(e));
            if (e.key().type().equals(ResourceTypes.ZONE_INSIGHT.name()) && e.kind() != ChangeKind.DELETED) {
                worker.execute(() -> insightChanged(e.key().name()));
            }
        }));
        // A zone disabled while the feed was down must still lose its streams.
        subscriptions.add(store.changes().subscribeResync(r -> worker.execute(this::closeDisabledZones)));
        return this;
    }

    /** Revocation listener: the whole list after each change, from any instance. */
    void revoked(Revocations revocations) {
        handler.close(s -> s.tokenId() != null && revocations.contains(s.tokenId()),
                Status.UNAUTHENTICATED.withDescription("zone token revoked"));
    }

    private void zoneChanged(ChangeEvent e) {
        String zone = e.key().name();
        try {
            if (e.kind() == ChangeKind.DELETED) {
                deletions.record(zone, e.at());
                LOG.infof("zone %s was deleted: its streams are closed and its tokens issued so far are refused", zone);
                handler.closeZone(zone, Status.PERMISSION_DENIED.withDescription("zone " + zone + " was deleted on the global"));
                return;
            }
            store.get(ResourceKey.of(ResourceTypes.ZONE, "", zone)).toCompletableFuture().join().ifPresent(r -> {
                if (!r.spec(ZoneSpec.class).isEnabled()) closeDisabled(zone);
            });
        } catch (RuntimeException ex) {
            LOG.warnf("cannot act on the change of zone %s: %s", zone, ex.getMessage());
        }
    }

    /**
     * Closes this replica's streams of {@code zone} that a newer stream on another replica displaced, and restores its
     * subscriptions shown closed while their streams are open here.
     */
    private void insightChanged(String zone) {
        if (handler.openStreams().stream().noneMatch(s -> s.zone().equals(zone))) return;
        try {
            store.get(ResourceKey.of(ResourceTypes.ZONE_INSIGHT, "", zone)).toCompletableFuture().join().ifPresent(r -> {
                List<JsonNode> subs = r.spec(ZoneInsightSpec.class).subscriptions();
                if (subs == null) return;
                insights.repair(zone, subs);
                Set<Long> displaced = new HashSet<>();
                for (String id : InsightSubscriptions.displaced(subs, insights.instanceId())) insights.streamOf(id).ifPresent(displaced::add);
                if (displaced.isEmpty()) return;
                // The zone's other stream (ZoneToGlobal) shares the displaced stream's connection.
                Set<String> peers = new HashSet<>();
                handler.openStreams().stream().filter(s -> displaced.contains(s.id()) && s.peer() != null).forEach(s -> peers.add(s.peer()));
                LOG.infof("zone %s connected to another global replica: closing its older streams here", zone);
                handler.close(s -> s.zone().equals(zone) && (displaced.contains(s.id()) || peers.contains(s.peer())),
                        Status.ABORTED.withDescription("zone " + zone + " connected to another global replica (the newer connection wins)"));
            });
        } catch (RuntimeException ex) {
            LOG.warnf("cannot act on the insight of zone %s: %s", zone, ex.getMessage());
        }
    }

    private void closeDisabledZones() {
        try {
            store.list(ListQuery.all(ResourceTypes.ZONE)).toCompletableFuture().join().items().stream()
                    .filter(r -> !r.spec(ZoneSpec.class).isEnabled())
                    .forEach(r -> closeDisabled(r.meta().name()));
        } catch (RuntimeException e) {
            LOG.warnf("cannot re-read the zones after a change-feed gap: %s", e.getMessage());
        }
    }

    private void closeDisabled(String zone) {
        handler.closeZone(zone, Status.PERMISSION_DENIED.withDescription("zone " + zone + " was disabled"));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable s : subscriptions) s.close();
    }
}
