package dev.ursa.zone.xds.view;

import dev.ursa.mesh.model.ResourceType;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For one mesh generation, the inbounds of every service with the policies of a {@link ViewBuilder#DESTINATION_SIDE}
 * type that select them: what a proxyless client applies for the services it calls. It reads every dataplane of the
 * mesh, so it is computed once per type and generation and shared by all proxyless views, not once per view.
 * Thread-safe.
 */
public final class DestinationIndex {
    private final MeshInputs mesh;
    private final Map<ResourceType, Map<String, List<DestinationInbound>>> byType = new ConcurrentHashMap<>();

    public DestinationIndex(MeshInputs mesh) {
        this.mesh = mesh;
    }

    /** By service, every inbound of the mesh with the policies of {@code type} selecting it. */
    public Map<String, List<DestinationInbound>> of(ResourceType type) {
        return byType.computeIfAbsent(type, t -> Map.copyOf(ViewBuilder.destinations(mesh, mesh.policies(t))));
    }
}
