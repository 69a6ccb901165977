package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.cp.leader.ReplicaSubscriptions;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.DataplaneInsightSpec;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static dev.ursa.zone.xds.SerialWorker.await;

/**
 * Leader-only, one round per lease period: closes the DataplaneInsight subscriptions of zone CP replicas that stopped
 * (killed, cut from the database, or an earlier run of this one), so no dataplane stays "online" through a stream nobody
 * holds; a node left with no open stream anywhere is handed to {@code orphaned} (its self-registered Dataplane then
 * leaves after the grace period, unless the node reconnects to any replica). Writes are If-Match and check the term.
 *
 * <p>Cost: a round lists every DataplaneInsight only when it can find something: at the start of a term, and when a
 * replica left the live set since the last scan; otherwise it reads the live set and stops. Threads: one at a time
 * (the leader task's thread).
 */
final class StoppedReplicaStreams {
    private static final Logger LOG = Logger.getLogger(StoppedReplicaStreams.class);

    private final ResourceStore store;
    private final Leadership leadership;
    private final Clock clock;
    private final Consumer<NodeId> orphaned;
    private long scannedTerm;
    private Set<String> scannedWith = Set.of();

    StoppedReplicaStreams(ResourceStore store, Leadership leadership, Clock clock, Consumer<NodeId> orphaned) {
        this.store = store;
        this.leadership = leadership;
        this.clock = clock;
        this.orphaned = orphaned;
    }

    /** One round for {@code term}; blocks (its own thread). */
    void round(long term) {
        Set<String> live = leadership.liveReplicas();
        if (term == scannedTerm && live.containsAll(scannedWith)) {
            scannedWith = live;
            return; // nobody stopped since the last scan
        }
        boolean complete = true;
        for (Resource insight : await(store.listAll(ListQuery.all(ResourceTypes.DATAPLANE_INSIGHT)))) {
            DataplaneInsightSpec spec = insight.spec(DataplaneInsightSpec.class);
            List<JsonNode> subs = spec.subscriptions();
            if (subs == null) continue;
            var fixed = ReplicaSubscriptions.closeOrphans(subs, DataplaneInsights.INSTANCE, "zone CP", live, clock.instant());
            if (fixed.isEmpty() || !leadership.holds(term)) continue;
            try {
                await(store.put(new Resource(insight.type(), insight.meta(), new DataplaneInsightSpec(fixed.get(), spec.mTLS(), null)),
                        Precondition.version(insight.meta().version())));
            } catch (StoreException.Conflict e) {
                complete = false; // written meanwhile (its node reconnected): looked at again next round
                continue;
            }
            LOG.infof("dataplane %s/%s: closed its streams held by stopped zone CP replicas (live: %s)",
                    insight.meta().mesh(), insight.meta().name(), live);
            if (ReplicaSubscriptions.openElsewhere(fixed.get(), DataplaneInsights.INSTANCE, "").isEmpty()) {
                orphaned.accept(new NodeId(insight.meta().mesh(), insight.meta().name()));
            }
        }
        if (complete) {
            scannedTerm = term;
            scannedWith = live;
        }
    }
}
