package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneInsightSpec;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Leader-only: closes the zone-insight subscriptions of global replicas that stopped (killed, partitioned from the
 * database, or a previous run of this one), so a zone never stays "online" through a stream nobody holds. A replica
 * counts as stopped once its heartbeat is older than the lease ({@link Leadership#liveReplicas()}); the zone itself
 * shows online again as soon as it reconnects to any replica. Writes are If-Match, and each round checks the term it
 * was started for. Threading: one thread of its own.
 */
final class ZoneInsightReaper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ZoneInsightReaper.class);

    private final ResourceStore store;
    private final Leadership leadership;
    private final long term;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ursa-insight-reaper").factory());

    ZoneInsightReaper(ResourceStore store, Leadership leadership, long term, Clock clock) {
        this.store = store;
        this.leadership = leadership;
        this.term = term;
        this.clock = clock;
    }

    /** Runs a round at once and then every {@code period}. */
    ZoneInsightReaper start(Duration period) {
        thread.scheduleWithFixedDelay(this::round, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    void round() {
        try {
            Set<String> live = leadership.liveReplicas();
            List<Resource> insights = store.listAll(ListQuery.all(ResourceTypes.ZONE_INSIGHT)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            for (Resource insight : insights) {
                List<JsonNode> subs = insight.spec(ZoneInsightSpec.class).subscriptions();
                if (subs == null) continue;
                var fixed = InsightSubscriptions.closeOrphans(subs, live, clock.instant());
                if (fixed.isEmpty() || !leadership.holds(term)) continue;
                try {
                    store.put(new Resource(ResourceTypes.ZONE_INSIGHT, insight.meta(), new ZoneInsightSpec(fixed.get())),
                            Precondition.version(insight.meta().version())).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    LOG.infof("zone %s: closed its subscriptions held by stopped global replicas (live: %s)", insight.meta().name(), live);
                } catch (java.util.concurrent.ExecutionException e) {
                    // Written meanwhile (a replica merging its own): looked at again next round.
                    if (!(e.getCause() instanceof StoreException.Conflict)) throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("zone insights: cannot close the subscriptions of stopped replicas now (%s); retrying", e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
