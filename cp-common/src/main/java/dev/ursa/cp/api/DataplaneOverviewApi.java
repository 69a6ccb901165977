package dev.ursa.cp.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.validation.ValidationException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Read-only dataplane overviews, Kuma's {@code /meshes/{mesh}/dataplanes/_overview} shape: each Dataplane with its
 * DataplaneInsight, plus Ursa's computed {@code state} and {@code zone}. Served by both control planes: a zone shows its
 * own dataplanes, the global every zone's (as {@code <zone>.<name>}), offline when their zone is.
 */
@Path("/") // same root as the resource API, so its literal paths outrank "meshes/{mesh}/{plural}/{name}"
public class DataplaneOverviewApi {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final DataplaneOverviewIndex index;

    public DataplaneOverviewApi(DataplaneOverviewIndex index) {
        this.index = index;
    }

    /** Filters: {@code tag=k:v} (repeatable, all must match an inbound's or the gateway's tags), {@code zone}, {@code state}. */
    @GET
    @Path("meshes/{mesh}/dataplanes/_overview")
    public CompletionStage<Response> list(@PathParam("mesh") String mesh, @Context UriInfo uri, @Context HttpHeaders headers) {
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        var params = uri.getQueryParameters();
        int size = ResourceApi.intParam(params.getFirst("size"), "size", ListQuery.DEFAULT_SIZE, 1, ListQuery.MAX_SIZE);
        int offset = ResourceApi.intParam(params.getFirst("offset"), "offset", 0, 0, Integer.MAX_VALUE);
        List<String[]> tags = new ArrayList<>();
        for (String t : params.getOrDefault("tag", List.of())) {
            int colon = t.indexOf(':');
            if (colon <= 0) throw ValidationException.of("Invalid query parameter", "tag", "must be key:value, e.g. kuma.io/service:web; got " + t);
            tags.add(new String[] {t.substring(0, colon), t.substring(colon + 1)});
        }
        String zone = params.getFirst("zone");
        String state = params.getFirst("state");
        if (state != null && !state.equals("online") && !state.equals("offline")) {
            throw ValidationException.of("Invalid query parameter", "state", "must be online or offline; got " + state);
        }
        return index.snapshot(mesh).thenApply(states -> {
            List<DataplaneStates.Entry> matching = states.entries().stream()
                    .filter(e -> zone == null || zone.equals(e.zone()))
                    .filter(e -> state == null || state.equals(e.online() ? "online" : "offline"))
                    .filter(e -> tags.stream().allMatch(t -> e.hasTag(t[0], t[1])))
                    .toList(); // in name order already
            ObjectNode body = NODES.objectNode();
            body.put("total", matching.size());
            ArrayNode items = body.putArray("items");
            matching.stream().skip(offset).limit(size).forEach(e -> items.add(overview(e)));
            long nextOffset = (long) offset + size;
            if (nextOffset < matching.size()) {
                body.put("next", uri.getRequestUriBuilder().replaceQueryParam("offset", nextOffset).replaceQueryParam("size", size).build().toString());
            } else {
                body.putNull("next");
            }
            return Response.ok(ResourceCodec.write(body, out), Formats.mediaType(out)).build();
        });
    }

    @GET
    @Path("meshes/{mesh}/dataplanes/{name}/_overview")
    public CompletionStage<Response> get(@PathParam("mesh") String mesh, @PathParam("name") String name, @Context HttpHeaders headers) {
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        return index.snapshot(mesh).thenApply(states -> states.byName(name)
                .map(e -> Response.ok(ResourceCodec.write(overview(e), out), Formats.mediaType(out)).build())
                .orElseThrow(() -> new NotFoundException("no Dataplane \"" + name + "\" in mesh \"" + mesh + "\"")));
    }

    static ObjectNode overview(DataplaneStates.Entry e) {
        Resource dp = e.dataplane();
        ObjectNode d = ResourceCodec.encode(dp);
        ObjectNode o = NODES.objectNode();
        o.put("type", "DataplaneOverview");
        o.put("mesh", dp.meta().mesh());
        o.put("name", dp.meta().name());
        for (String meta : List.of("creationTime", "modificationTime", "labels")) {
            if (d.has(meta)) o.set(meta, d.get(meta));
        }
        ObjectNode spec = d.deepCopy();
        for (String meta : List.of("type", "mesh", "name", "labels", "creationTime", "modificationTime", "version")) spec.remove(meta);
        o.set("dataplane", spec);
        ObjectNode insight = NODES.objectNode();
        if (e.insight() != null) {
            ObjectNode i = ResourceCodec.encode(e.insight());
            for (String meta : List.of("type", "mesh", "name", "labels", "creationTime", "modificationTime", "version")) i.remove(meta);
            insight.setAll(i);
        }
        if (!insight.has("subscriptions")) insight.set("subscriptions", NODES.arrayNode());
        o.set("dataplaneInsight", insight);
        if (e.zone() != null) o.put("zone", e.zone());
        o.put("state", e.online() ? "online" : "offline");
        return o;
    }
}
