package dev.ursa.zone.xds.view;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything of one mesh that dataplane configuration is computed from, as an immutable snapshot.
 *
 * @param dataplanes by name
 * @param policies   targetRef policies by type
 */
public record MeshInputs(String mesh, Optional<Resource> meshResource, Map<String, Resource> dataplanes,
                         Map<ResourceType, List<Resource>> policies) {
    public MeshInputs {
        dataplanes = Map.copyOf(dataplanes);
        policies = Map.copyOf(policies);
    }

    public List<Resource> policies(ResourceType type) {
        return policies.getOrDefault(type, List.of());
    }
}
