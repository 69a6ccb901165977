package dev.ursa.zone.xds;

import io.envoyproxy.controlplane.cache.CacheStatusInfo;
import io.envoyproxy.controlplane.cache.DeltaCacheStatusInfo;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.Node;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * java-control-plane's snapshot cache, except that an ADS watch it will not answer yet stays open.
 * <p>
 * In ADS mode the cache answers a state-of-the-world watch only when the new snapshot holds every name the watch asks
 * for, but it drops the watch either way. A client that subscribes to a name just before the name is rendered (a
 * proxyless client dialling a service whose Dataplane was registered a moment ago, while an older change is still
 * being pushed) then waits for an answer that never comes; grpc-java gives up after 15 s with "resource does not
 * exist". Such watches are put back after each snapshot, so the first snapshot that holds every name answers them.
 */
final class AdsSnapshotCache extends SimpleCache<String> {
    AdsSnapshotCache() {
        super(Node::getId);
    }

    @Override
    protected void respondWithSpecificOrder(String group, Snapshot previous, Snapshot snapshot, Map<ResourceType, CacheStatusInfo<String>> statusMap,
                                            Map<ResourceType, DeltaCacheStatusInfo<String>> deltaStatusMap) {
        Map<CacheStatusInfo<String>, Map<Long, Watch>> unanswerable = new HashMap<>();
        statusMap.forEach((type, status) -> {
            Set<String> present = snapshot.resources(type).keySet();
            status.watchesRemoveIf((id, watch) -> {
                if (watch.ads() && !watch.request().getResourceNamesList().isEmpty() && !present.containsAll(watch.request().getResourceNamesList())) {
                    unanswerable.computeIfAbsent(status, s -> new HashMap<>()).put(id, watch);
                }
                return false; // only looking
            });
        });
        super.respondWithSpecificOrder(group, previous, snapshot, statusMap, deltaStatusMap);
        unanswerable.forEach((status, watches) -> watches.forEach((id, watch) -> {
            if (!watch.isCancelled()) status.setWatch(id, watch);
        }));
    }
}
