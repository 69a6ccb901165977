package dev.ursa.zone.xds.render;

import java.util.Map;
import java.util.Optional;

/**
 * How one client spreads one service's endpoints over localities (EDS): the priority of each zone's endpoints, the
 * local sub-zones and their weights, and Envoy's overprovisioning factor. A value: clients with equal plans share one
 * ClusterLoadAssignment. Without a policy that says otherwise the plan is {@link #defaults}; a plugin sets another
 * per service with {@link ProxyConfig#localities} (MeshLoadBalancingStrategy's locality awareness does).
 */
public interface LocalityPlan {
    /** The zone of the client, whose endpoints are "local". */
    String localZone();

    /** The priority of a zone's endpoints, or empty when the client sends that zone nothing. */
    Optional<Integer> priorityOf(String zone);

    /** The local sub-zone an endpoint falls in, or empty for the rest of the local zone. */
    Optional<SubZone> subZoneOf(Map<String, String> endpointTags);

    /** Whether Envoy must weight localities (only when there are sub-zones). */
    boolean localityWeighted();

    /** Envoy's factor in percent: a priority is fully used while healthy/total × factor ≥ 100%. */
    int overprovisioningFactor();

    /** A group of local endpoints with its own locality ({@code subZone}) and weight. */
    record SubZone(String name, int weight) {
    }

    /** The local zone at priority 0, every other zone at priority 1. */
    static LocalityPlan defaults(String localZone) {
        return new LocalFirst(localZone);
    }

    /** {@link #defaults}: Envoy's factor for Kuma's default failover threshold, 50% (100 × 100 / 50). */
    record LocalFirst(String localZone) implements LocalityPlan {
        public static final int OVERPROVISIONING_FACTOR = 200;

        @Override
        public Optional<Integer> priorityOf(String zone) {
            return Optional.of(zone.equals(localZone) ? 0 : 1);
        }

        @Override
        public Optional<SubZone> subZoneOf(Map<String, String> endpointTags) {
            return Optional.empty();
        }

        @Override
        public boolean localityWeighted() {
            return false;
        }

        @Override
        public int overprovisioningFactor() {
            return OVERPROVISIONING_FACTOR;
        }
    }
}
