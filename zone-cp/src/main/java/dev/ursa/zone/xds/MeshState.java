package dev.ursa.zone.xds;

import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.EndpointRenderer;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.MeshInputs;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One mesh's inputs and endpoint index, immutable once built, plus the EDS assignments rendered from it (shared by
 * every node that uses the cluster: one object per cluster per mesh generation, however many clients).
 */
final class MeshState {
    final MeshInputs inputs;
    final EndpointIndex index;
    private final Map<ClusterRef, ClusterLoadAssignment> assignments = new ConcurrentHashMap<>();

    MeshState(MeshInputs inputs, EndpointIndex index) {
        this.inputs = inputs;
        this.index = index;
    }

    List<ClusterLoadAssignment> assignments(Collection<ClusterRef> clusters) {
        return clusters.stream().map(r -> assignments.computeIfAbsent(r, ref -> EndpointRenderer.render(ref, index)))
                .sorted(Comparator.comparing(ClusterLoadAssignment::getClusterName)).toList();
    }
}
