package dev.ursa.cp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.ControlPlaneRole;
import dev.ursa.mesh.model.ReservedLabels;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.DataplaneInsightSpec;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.resources.ZoneInsightSpec;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.ResourceStore;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Dataplanes joined with their insights, and whether each is online, computed at read time: its insight's last
 * subscription is open and, at the global, its zone's last KDS subscription is open too (a zone that went away takes
 * its dataplanes offline without anything being written or deleted).
 */
record DataplaneStates(List<Entry> entries) {

    /**
     * @param insight null when the zone has not reported one (never connected)
     * @param zone    the zone it runs in: {@code kuma.io/zone} at the global, this zone at a zone
     */
    record Entry(Resource dataplane, Resource insight, String zone, boolean online) {
        /** An inbound's or the gateway's tags carry {@code key=value}. */
        boolean hasTag(String key, String value) {
            DataplaneSpec spec = dataplane.spec(DataplaneSpec.class);
            for (DataplaneSpec.Inbound in : spec.inbounds()) {
                if (value.equals(in.tagsOrEmpty().get(key))) return true;
            }
            return spec.gateway().map(g -> value.equals(g.tagsOrEmpty().get(key))).orElse(false);
        }

        /** Kuma's dataplane kinds, as {@code /global-insight} counts them: standard, gatewayBuiltin, gatewayDelegated. */
        String kind() {
            return dataplane.spec(DataplaneSpec.class).gateway()
                    .map(g -> g.typeOrDefault() == DataplaneSpec.GatewayType.BUILTIN ? "gatewayBuiltin" : "gatewayDelegated")
                    .orElse("standard");
        }
    }

    /** The zone of a dataplane as the overview shows it. */
    static String zoneOf(Resource dataplane, ControlPlaneRole role) {
        return role.mode() == ControlPlaneRole.Mode.GLOBAL ? dataplane.meta().labels().get(ReservedLabels.ZONE) : role.zone().orElse(null);
    }

    /** Whether its insight's last subscription is open (its zone's state aside). */
    static boolean connected(Resource insight) {
        return insight != null && insight.spec(DataplaneInsightSpec.class).connected();
    }

    /** The zones whose last KDS subscription is open, from their ZoneInsights. */
    static Set<String> onlineZones(List<Resource> zoneInsights) {
        Set<String> online = new HashSet<>();
        for (Resource z : zoneInsights) {
            List<JsonNode> subs = z.spec(ZoneInsightSpec.class).subscriptions();
            if (subs != null && !subs.isEmpty() && !subs.getLast().has("disconnectTime")) online.add(z.meta().name());
        }
        return online;
    }

    static CompletionStage<DataplaneStates> load(ResourceStore store, ControlPlaneRole role, ListQuery dataplanes, ListQuery insights) {
        boolean global = role.mode() == ControlPlaneRole.Mode.GLOBAL;
        CompletableFuture<List<Resource>> dps = store.listAll(dataplanes).toCompletableFuture();
        CompletableFuture<List<Resource>> ins = store.listAll(insights).toCompletableFuture();
        CompletableFuture<List<Resource>> zones = global ? store.listAll(ListQuery.all(ResourceTypes.ZONE_INSIGHT)).toCompletableFuture()
                : CompletableFuture.completedFuture(List.of());
        return CompletableFuture.allOf(dps, ins, zones).thenApply(ignored -> {
            Map<String, Resource> insightByKey = new HashMap<>();
            ins.join().forEach(i -> insightByKey.put(i.meta().mesh() + "/" + i.meta().name(), i));
            Set<String> onlineZones = onlineZones(zones.join());
            List<Entry> out = dps.join().stream().map(dp -> {
                Resource insight = insightByKey.get(dp.meta().mesh() + "/" + dp.meta().name());
                String zone = zoneOf(dp, role);
                return new Entry(dp, insight, zone, connected(insight) && (!global || onlineZones.contains(zone)));
            }).toList();
            return new DataplaneStates(out);
        });
    }
}
