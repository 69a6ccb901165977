package dev.ursa.zone.xds.view;

import java.util.List;
import java.util.Map;

/**
 * Contributes endpoints to a mesh's endpoint index. Local dataplanes are one source; other zones' ingresses (cross-zone
 * traffic) and priority assignment (failover) plug in as further sources without changing the index or the renderers.
 */
public interface EndpointSource {
    /** Endpoints per service, as localities. */
    Map<String, List<LocalityEndpoints>> endpoints(MeshInputs mesh);
}
