package dev.ursa.cp.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.cp.api.auth.CurrentCaller;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.model.SensitiveSpec;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Page;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.validation.ValidationException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Kuma's universal REST API over the store: {@code /meshes/{name}}, {@code /meshes/{mesh}/{plural}/{name}} and
 * {@code /{plural}/{name}} for types outside meshes. JSON or YAML in and out; versions as ETag / If-Match. Sensitive
 * types (Secrets) are read by non-admin callers with their data redacted.
 */
@Path("/")
public class ResourceApi {
    private static final String GLOBAL_SCOPED = "zones|zone-insights|zoneingresses|tokentrusts";
    private static final String LABEL_FILTER = "filter[labels.";

    private final ResourceService service;
    private final CurrentCaller caller;

    public ResourceApi(ResourceService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    // ---- meshes

    @GET
    @Path("meshes")
    public CompletionStage<Response> listMeshes(@Context UriInfo uri, @Context HttpHeaders headers) {
        return list(ResourceTypes.MESH, null, uri, headers);
    }

    @GET
    @Path("meshes/{name}")
    public CompletionStage<Response> getMesh(@PathParam("name") String name, @Context HttpHeaders headers) {
        return get(ResourceTypes.MESH, "", name, headers);
    }

    @PUT
    @Path("meshes/{name}")
    public CompletionStage<Response> putMesh(@PathParam("name") String name, byte[] body, @Context HttpHeaders headers) {
        return put(ResourceTypes.MESH, "", name, body, headers);
    }

    @DELETE
    @Path("meshes/{name}")
    public CompletionStage<Response> deleteMesh(@PathParam("name") String name, @Context HttpHeaders headers) {
        return delete(ResourceTypes.MESH, "", name, headers);
    }

    // ---- resources inside a mesh

    @GET
    @Path("meshes/{mesh}/{plural}")
    public CompletionStage<Response> listInMesh(@PathParam("mesh") String mesh, @PathParam("plural") String plural,
                                                @Context UriInfo uri, @Context HttpHeaders headers) {
        return list(meshScoped(plural), mesh, uri, headers);
    }

    @GET
    @Path("meshes/{mesh}/{plural}/{name}")
    public CompletionStage<Response> getInMesh(@PathParam("mesh") String mesh, @PathParam("plural") String plural,
                                               @PathParam("name") String name, @Context HttpHeaders headers) {
        return get(meshScoped(plural), mesh, name, headers);
    }

    @PUT
    @Path("meshes/{mesh}/{plural}/{name}")
    public CompletionStage<Response> putInMesh(@PathParam("mesh") String mesh, @PathParam("plural") String plural,
                                               @PathParam("name") String name, byte[] body, @Context HttpHeaders headers) {
        return put(meshScoped(plural), mesh, name, body, headers);
    }

    @DELETE
    @Path("meshes/{mesh}/{plural}/{name}")
    public CompletionStage<Response> deleteInMesh(@PathParam("mesh") String mesh, @PathParam("plural") String plural,
                                                  @PathParam("name") String name, @Context HttpHeaders headers) {
        return delete(meshScoped(plural), mesh, name, headers);
    }

    // ---- types outside meshes, and cross-mesh listings (GET /dataplanes, GET /meshtimeouts, ...)

    @GET
    @Path("{plural: [a-z-]+}")
    public CompletionStage<Response> listTopLevel(@PathParam("plural") String plural, @Context UriInfo uri, @Context HttpHeaders headers) {
        ResourceType type = ResourceTypes.byPlural(plural).orElseThrow(() -> unknownPath(plural));
        return list(type, null, uri, headers);
    }

    @GET
    @Path("{plural: " + GLOBAL_SCOPED + "}/{name}")
    public CompletionStage<Response> getTopLevel(@PathParam("plural") String plural, @PathParam("name") String name, @Context HttpHeaders headers) {
        return get(globalScoped(plural), "", name, headers);
    }

    @PUT
    @Path("{plural: " + GLOBAL_SCOPED + "}/{name}")
    public CompletionStage<Response> putTopLevel(@PathParam("plural") String plural, @PathParam("name") String name, byte[] body,
                                                 @Context HttpHeaders headers) {
        return put(globalScoped(plural), "", name, body, headers);
    }

    @DELETE
    @Path("{plural: " + GLOBAL_SCOPED + "}/{name}")
    public CompletionStage<Response> deleteTopLevel(@PathParam("plural") String plural, @PathParam("name") String name, @Context HttpHeaders headers) {
        return delete(globalScoped(plural), "", name, headers);
    }

    // ---- the four operations

    private CompletionStage<Response> get(ResourceType type, String mesh, String name, HttpHeaders headers) {
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        boolean redact = redactFor(type);
        return service.get(type, mesh, name).thenApply(found -> {
            Resource r = found.orElseThrow(() -> new StoreException.NotFound(dev.ursa.mesh.model.ResourceKey.of(type, mesh, name)));
            return Response.ok(ResourceCodec.write(encode(r, redact), out), Formats.mediaType(out))
                    .tag(Long.toString(r.meta().version()))
                    .build();
        });
    }

    private CompletionStage<Response> put(ResourceType type, String mesh, String name, byte[] body, HttpHeaders headers) {
        Format in = Formats.ofContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        Precondition pre = precondition(headers);
        return service.put(type, mesh, name, body, in, pre).thenApply(written -> {
            Resource r = written.result().resource();
            ObjectNode reply = ResourceCodec.encode(r);
            if (!written.warnings().isEmpty()) {
                // Kuma's CreateOrUpdateSuccessResponse field, which kumactl prints; a read-only field on input.
                ArrayNode list = reply.putArray("warnings");
                written.warnings().forEach(w -> list.add(w.toString()));
            }
            Response.ResponseBuilder response = Response.status(written.result().created() ? 201 : 200)
                    .type(Formats.mediaType(out))
                    .entity(ResourceCodec.write(reply, out))
                    .tag(Long.toString(r.meta().version()));
            // RFC 9111 "miscellaneous persistent warning", as Kubernetes sends API warnings.
            written.warnings().forEach(w -> response.header("Warning", "299 ursa \"" + w.toString().replace("\"", "'") + "\""));
            return response.build();
        });
    }

    private CompletionStage<Response> delete(ResourceType type, String mesh, String name, HttpHeaders headers) {
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        return service.delete(type, mesh, name, precondition(headers))
                .thenApply(deleted -> Response.ok(ResourceCodec.write(JsonNodeFactory.instance.objectNode(), out), Formats.mediaType(out)).build());
    }

    private CompletionStage<Response> list(ResourceType type, String mesh, UriInfo uri, HttpHeaders headers) {
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        var params = uri.getQueryParameters();
        int size = intParam(params.getFirst("size"), "size", ListQuery.DEFAULT_SIZE, 1, ListQuery.MAX_SIZE);
        int offset = intParam(params.getFirst("offset"), "offset", 0, 0, Integer.MAX_VALUE);
        Map<String, String> labels = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith(LABEL_FILTER) && k.endsWith("]") && !v.isEmpty()) {
                labels.put(k.substring(LABEL_FILTER.length(), k.length() - 1), v.getFirst());
            }
        });
        ListQuery query = new ListQuery(type, mesh, labels, offset, size);
        boolean redact = redactFor(type);
        return service.list(query).thenApply(page -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("total", page.total());
            ArrayNode items = body.putArray("items");
            page.items().forEach(r -> items.add(encode(r, redact)));
            // By size, not by items: the store leaves out rows it cannot decode, and the next page must not repeat any.
            long nextOffset = (long) offset + size;
            if (nextOffset < page.total()) {
                body.put("next", uri.getRequestUriBuilder()
                        .replaceQueryParam("offset", nextOffset)
                        .replaceQueryParam("size", size)
                        .build().toString());
            } else {
                body.putNull("next");
            }
            return Response.ok(ResourceCodec.write(body, out), Formats.mediaType(out)).build();
        });
    }

    /** Secrets are shown in clear to admins only; decided on the request's thread, where its caller is known. */
    private boolean redactFor(ResourceType type) {
        return type.sensitive() && !caller.get().isAdmin();
    }

    private static ObjectNode encode(Resource r, boolean redact) {
        if (redact && r.spec() instanceof SensitiveSpec secret) return ResourceCodec.encode(new Resource(r.type(), r.meta(), secret.redacted()));
        return ResourceCodec.encode(r);
    }

    private static Precondition precondition(HttpHeaders headers) {
        String ifNoneMatch = headers.getHeaderString(HttpHeaders.IF_NONE_MATCH);
        if ("*".equals(ifNoneMatch == null ? null : ifNoneMatch.trim())) {
            return Precondition.ABSENT;
        }
        String ifMatch = headers.getHeaderString(HttpHeaders.IF_MATCH);
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return Precondition.ANY;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) v = v.substring(2);
        v = v.replace("\"", "");
        try {
            return Precondition.version(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw ValidationException.of("Invalid If-Match header", "If-Match", "must be a version returned as ETag, e.g. \"3\"; got " + ifMatch);
        }
    }

    static int intParam(String raw, String field, int def, int min, int max) {
        if (raw == null || raw.isBlank()) return def;
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < min || v > max) {
                throw ValidationException.of("Invalid query parameter", field, "must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ValidationException.of("Invalid query parameter", field, "must be an integer");
        }
    }

    private static ResourceType meshScoped(String plural) {
        return ResourceTypes.byPlural(plural).filter(ResourceType::meshScoped).orElseThrow(() -> unknownPath(plural));
    }

    private static ResourceType globalScoped(String plural) {
        return ResourceTypes.byPlural(plural).filter(t -> !t.meshScoped()).orElseThrow(() -> unknownPath(plural));
    }

    private static NotFoundException unknownPath(String plural) {
        List<String> known = ResourceTypes.all().stream().map(ResourceType::plural).sorted().toList();
        return new NotFoundException("unknown resource collection \"" + plural + "\"; known: " + String.join(", ", known));
    }
}
