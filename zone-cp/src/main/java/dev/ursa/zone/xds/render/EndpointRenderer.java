package dev.ursa.zone.xds.render;

import dev.ursa.zone.xds.view.Endpoint;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.LocalityEndpoints;
import dev.ursa.zone.xds.view.ServiceEndpoints;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;

import java.util.Comparator;
import java.util.List;

/** EDS: one ClusterLoadAssignment per cluster, localities with weights and priorities. Same for both flavours. */
public final class EndpointRenderer {
    private EndpointRenderer() {
    }

    public static ClusterLoadAssignment render(ClusterRef ref, EndpointIndex index) {
        ServiceEndpoints eps = index.endpoints(ref.service()).subset(ref.tags());
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(ref.name());
        List<LocalityEndpoints> localities = eps.localities().stream()
                .sorted(Comparator.comparingInt(LocalityEndpoints::priority).thenComparing(LocalityEndpoints::zone))
                .toList();
        for (LocalityEndpoints l : localities) {
            if (l.endpoints().isEmpty()) continue;
            LocalityLbEndpoints.Builder lle = LocalityLbEndpoints.newBuilder()
                    .setLocality(Locality.newBuilder().setZone(l.zone()))
                    .setPriority(l.priority())
                    // grpc-java drops a locality without a positive weight
                    .setLoadBalancingWeight(Protos.u32(l.weight()));
            l.endpoints().stream()
                    .sorted(Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port))
                    .forEach(e -> lle.addLbEndpoints(LbEndpoint.newBuilder()
                            .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder().setAddress(Protos.address(e.address(), e.port())))
                            .setHealthStatus(HealthStatus.HEALTHY)
                            .setLoadBalancingWeight(Protos.u32(e.weight()))));
            cla.addEndpoints(lle);
        }
        return cla.build();
    }
}
