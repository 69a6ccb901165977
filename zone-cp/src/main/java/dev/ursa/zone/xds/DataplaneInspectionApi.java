package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.Formats;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /meshes/{mesh}/dataplanes/{name}/_config} and {@code .../_policies} ({@code ?flavour=envoy|proxyless}):
 * {@link DataplaneInspection}'s documents, JSON or YAML as the {@code Accept} header asks.
 * The class sits at {@code /} like the resource API: a class at {@code /meshes/{mesh}/dataplanes/{name}} would win
 * the class match for every dataplane path and answer 404/405 to the resource API's GET, PUT and DELETE there
 * (JAX-RS does not backtrack to another class). The longer literal method paths win over {@code {plural}/{name}}.
 */
@Path("/")
@Produces({MediaType.APPLICATION_JSON, "application/yaml"})
public class DataplaneInspectionApi {
    private final DataplaneInspection inspection;

    public DataplaneInspectionApi(DataplaneInspection inspection) {
        this.inspection = inspection;
    }

    @GET
    @Path("meshes/{mesh}/dataplanes/{name}/_config")
    public Response config(@PathParam("mesh") String mesh, @PathParam("name") String name, @QueryParam("flavour") String flavour,
                           @Context HttpHeaders headers) {
        return ok(inspection.config(mesh, name, flavour), headers);
    }

    @GET
    @Path("meshes/{mesh}/dataplanes/{name}/_policies")
    public Response policies(@PathParam("mesh") String mesh, @PathParam("name") String name, @QueryParam("flavour") String flavour,
                             @Context HttpHeaders headers) {
        return ok(inspection.policies(mesh, name, flavour), headers);
    }

    private static Response ok(JsonNode body, HttpHeaders headers) {
        Format f = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        Object entity = f == Format.JSON ? body.toPrettyString() : ResourceCodec.write(body, f); // JSON pretty, as always
        return Response.ok(entity, Formats.mediaType(f)).build();
    }
}
