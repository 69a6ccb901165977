package dev.ursa.zone.xds.view;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything of one mesh that dataplane configuration is computed from, as an immutable snapshot.
 *
 * @param dataplanes    by name
 * @param policies      targetRef policies by type
 * @param zoneIngresses every ZoneIngress the zone knows (its own and, synced down by KDS, other zones'); not
 *                      mesh-scoped: each lists the services it offers per mesh
 * @param secrets       the mesh's Secrets by name (its CAs)
 */
public record MeshInputs(String mesh, Optional<Resource> meshResource, Map<String, Resource> dataplanes,
                         Map<ResourceType, List<Resource>> policies, List<Resource> zoneIngresses, Map<String, Resource> secrets) {
    public MeshInputs {
        dataplanes = Map.copyOf(dataplanes);
        policies = Map.copyOf(policies);
        zoneIngresses = List.copyOf(zoneIngresses);
        secrets = Map.copyOf(secrets);
    }

    public MeshInputs(String mesh, Optional<Resource> meshResource, Map<String, Resource> dataplanes,
                      Map<ResourceType, List<Resource>> policies, List<Resource> zoneIngresses) {
        this(mesh, meshResource, dataplanes, policies, zoneIngresses, Map.of());
    }

    public MeshInputs(String mesh, Optional<Resource> meshResource, Map<String, Resource> dataplanes,
                      Map<ResourceType, List<Resource>> policies) {
        this(mesh, meshResource, dataplanes, policies, List.of());
    }

    public List<Resource> policies(ResourceType type) {
        return policies.getOrDefault(type, List.of());
    }
}
