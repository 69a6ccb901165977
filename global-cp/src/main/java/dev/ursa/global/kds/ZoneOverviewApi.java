package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneInsightSpec;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.store.ResourceStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Read-only zone overviews, Kuma's {@code /zones/_overview} shape: each Zone with its insight and a computed
 * {@code state} ({@code online} while the zone's last KDS subscription has no {@code disconnectTime}). {@code GET
 * /zones} stays the plain Zone resource listing of the universal format.
 */
@Path("/") // same root as the resource API, so its literal paths outrank "{plural}/{name}"
@Produces(MediaType.APPLICATION_JSON)
public class ZoneOverviewApi {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ResourceStore store;

    public ZoneOverviewApi(ResourceStore store) {
        this.store = store;
    }

    @GET
    @Path("zones/_overview")
    public CompletionStage<ObjectNode> list() {
        return store.list(ListQuery.all(ResourceTypes.ZONE)).thenCombine(store.list(ListQuery.all(ResourceTypes.ZONE_INSIGHT)), (zones, insights) -> {
            Map<String, Resource> byZone = new HashMap<>();
            insights.items().forEach(i -> byZone.put(i.meta().name(), i));
            ArrayNode items = NODES.arrayNode();
            zones.items().forEach(z -> items.add(overview(z, Optional.ofNullable(byZone.get(z.meta().name())))));
            ObjectNode page = NODES.objectNode();
            page.put("total", items.size());
            page.set("items", items);
            page.putNull("next");
            return page;
        });
    }

    @GET
    @Path("zones/{name}/_overview")
    public CompletionStage<Response> get(@PathParam("name") String name) {
        var zone = store.get(ResourceKey.of(ResourceTypes.ZONE, "", name));
        var insight = store.get(ResourceKey.of(ResourceTypes.ZONE_INSIGHT, "", name));
        return zone.thenCombine(insight, (z, i) -> z
                .map(r -> Response.ok(overview(r, i)).build())
                .orElseThrow(() -> new StoreException.NotFound(ResourceKey.of(ResourceTypes.ZONE, "", name))));
    }

    static ObjectNode overview(Resource zone, Optional<Resource> insight) {
        ObjectNode z = ResourceCodec.encode(zone);
        ObjectNode o = NODES.objectNode();
        o.put("type", "ZoneOverview");
        o.put("mesh", "");
        o.put("name", zone.meta().name());
        if (z.has("creationTime")) o.set("creationTime", z.get("creationTime"));
        if (z.has("modificationTime")) o.set("modificationTime", z.get("modificationTime"));
        ObjectNode spec = z.deepCopy();
        for (String meta : List.of("type", "mesh", "name", "labels", "creationTime", "modificationTime")) spec.remove(meta);
        o.set("zone", spec);
        ObjectNode zoneInsight = NODES.objectNode();
        List<JsonNode> subs = insight.map(i -> i.spec(ZoneInsightSpec.class).subscriptions()).orElse(null);
        zoneInsight.set("subscriptions", subs == null ? NODES.arrayNode() : NODES.arrayNode().addAll(subs));
        o.set("zoneInsight", zoneInsight);
        boolean online = subs != null && !subs.isEmpty() && !subs.getLast().has("disconnectTime");
        o.put("state", online ? "online" : "offline");
        o.put("enabled", zone.spec(dev.ursa.mesh.resources.ZoneSpec.class).isEnabled());
        return o;
    }
}
