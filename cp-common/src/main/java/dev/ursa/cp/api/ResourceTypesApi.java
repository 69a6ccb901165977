package dev.ursa.cp.api;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.ResourceTypes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /_resources}: the resource types this control plane serves, as Kuma 2.14's api-server lists them
 * ({@code {"resources":[...]}}, sorted by name; pkg/api-server/policies_endpoints.go), from Ursa's type registry. kumactl
 * reads it for {@code kumactl export}; {@code readOnly} tells what this control plane refuses to write.
 */
@Path("/_resources")
public class ResourceTypesApi {
    private final ResourceService service;

    public ResourceTypesApi(ResourceService service) {
        this.service = service;
    }

    @GET
    public Response list(@Context HttpHeaders headers) {
        List<ResourceTypeDescription> resources = ResourceTypes.all().stream()
                .map(t -> ResourceTypeDescription.of(t, service.refusal(t).isPresent(), ResourceService.computed(t)))
                .sorted(Comparator.comparing(ResourceTypeDescription::name))
                .toList();
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        return Response.ok(ResourceCodec.write(Map.of("resources", resources), out), Formats.mediaType(out)).build();
    }
}
