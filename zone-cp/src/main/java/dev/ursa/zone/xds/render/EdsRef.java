package dev.ursa.zone.xds.render;

import dev.ursa.zone.xds.Flavour;

/**
 * What one cluster's endpoints (EDS) depend on besides the endpoint index: the cluster, the client's flavour (proxyless
 * clients get the failover threshold precomputed into locality weights) and the client's locality plan for the
 * service. Clients with equal refs share one ClusterLoadAssignment.
 */
public record EdsRef(ClusterRef cluster, Flavour flavour, LocalityPlan locality) {
    public String service() {
        return cluster.service();
    }

    public String name() {
        return cluster.name();
    }
}
