package dev.ursa.cp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.cp.ControlPlaneRole;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.ReservedLabels;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneInsightSpec;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.ResourceStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /global-insight}: Kuma 2.14's counts (dataplanes per kind, services, meshes, policies per type, zones),
 * computed at read time from the store; Ursa adds dataplane counts per mesh and per zone. Global only (404 at a zone, as
 * Kuma serves it on the global).
 */
@Path("/")
public class GlobalInsightApi {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ResourceStore store;
    private final ControlPlaneRole role;

    public GlobalInsightApi(ResourceStore store, ControlPlaneRole role) {
        this.store = store;
        this.role = role;
    }

    @GET
    @Path("global-insight")
    public CompletionStage<Response> insight(@Context HttpHeaders headers) {
        if (role.mode() != ControlPlaneRole.Mode.GLOBAL) throw new NotFoundException("/global-insight is served by the global control plane");
        Format out = Formats.ofAccept(headers.getHeaderString(HttpHeaders.ACCEPT));
        var states = DataplaneStates.load(store, role, ListQuery.all(ResourceTypes.DATAPLANE), ListQuery.all(ResourceTypes.DATAPLANE_INSIGHT))
                .toCompletableFuture();
        var meshes = store.listAll(ListQuery.all(ResourceTypes.MESH)).toCompletableFuture();
        var zoneInsights = store.listAll(ListQuery.all(ResourceTypes.ZONE_INSIGHT)).toCompletableFuture();
        var zones = store.listAll(ListQuery.all(ResourceTypes.ZONE)).toCompletableFuture();
        var ingresses = store.listAll(ListQuery.all(ResourceTypes.ZONE_INGRESS)).toCompletableFuture();
        Map<String, CompletableFuture<List<Resource>>> policies = new TreeMap<>();
        for (ResourceType t : ResourceTypes.all()) {
            if (t.policy()) policies.put(t.name(), store.listAll(ListQuery.all(t)).toCompletableFuture());
        }
        List<CompletableFuture<?>> all = new ArrayList<>(List.of(states, meshes, zoneInsights, zones, ingresses));
        all.addAll(policies.values());
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            ObjectNode body = NODES.objectNode();
            body.put("createdAt", Instant.now().toString());
            ObjectNode dataplanes = body.putObject("dataplanes");
            for (String kind : List.of("standard", "gatewayBuiltin", "gatewayDelegated")) counts(dataplanes.putObject(kind));
            ObjectNode byMesh = NODES.objectNode();
            ObjectNode byZone = NODES.objectNode();
            Map<String, int[]> services = new TreeMap<>(); // mesh/service -> online, total instances
            for (DataplaneStates.Entry e : states.join().entries()) {
                String kind = e.kind();
                count((ObjectNode) dataplanes.get(kind), e.online());
                count(byMesh.has(e.dataplane().meta().mesh()) ? (ObjectNode) byMesh.get(e.dataplane().meta().mesh())
                        : counts(byMesh.putObject(e.dataplane().meta().mesh())), e.online());
                String zone = e.zone() == null ? "" : e.zone();
                count(byZone.has(zone) ? (ObjectNode) byZone.get(zone) : counts(byZone.putObject(zone)), e.online());
                if (kind.equals("standard")) {
                    for (DataplaneSpec.Inbound in : e.dataplane().spec(DataplaneSpec.class).inbounds()) {
                        String svc = in.serviceName();
                        if (svc == null) continue;
                        int[] c = services.computeIfAbsent(e.dataplane().meta().mesh() + "/" + svc, k -> new int[2]);
                        c[1]++;
                        if (e.online()) c[0]++;
                    }
                }
            }
            dataplanes.set("byMesh", byMesh);
            dataplanes.set("byZone", byZone);
            ObjectNode internal = counts(NODES.objectNode());
            services.values().forEach(c -> {
                String bucket = c[0] == 0 ? "offline" : c[0] == c[1] ? "online" : "partiallyDegraded";
                internal.put(bucket, internal.get(bucket).asInt() + 1);
                internal.put("total", internal.get("total").asInt() + 1);
            });
            ObjectNode svcs = body.putObject("services");
            svcs.set("internal", internal);
            svcs.putObject("external").put("total", 0);
            body.putObject("meshes").put("total", meshes.join().size());
            ObjectNode resources = body.putObject("resources");
            int policyTotal = 0;
            for (var p : policies.entrySet()) {
                int n = p.getValue().join().size();
                policyTotal += n;
                if (n > 0) resources.putObject(p.getKey()).put("total", n);
            }
            body.putObject("policies").put("total", policyTotal);
            List<String> onlineZones = zoneInsights.join().stream().filter(z -> {
                List<JsonNode> subs = z.spec(ZoneInsightSpec.class).subscriptions();
                return subs != null && !subs.isEmpty() && !subs.getLast().has("disconnectTime");
            }).map(z -> z.meta().name()).toList();
            ObjectNode zonesNode = body.putObject("zones");
            zonesNode.putObject("controlPlanes").put("online", onlineZones.size()).put("total", zones.join().size());
            long ingressesOnline = ingresses.join().stream()
                    .filter(i -> onlineZones.contains(i.meta().labels().getOrDefault(ReservedLabels.ZONE, ""))).count();
            zonesNode.putObject("zoneIngresses").put("online", ingressesOnline).put("total", ingresses.join().size());
            zonesNode.putObject("zoneEgresses").put("online", 0).put("total", 0);
            return Response.ok(ResourceCodec.write(body, out), Formats.mediaType(out)).build();
        });
    }

    private static ObjectNode counts(ObjectNode o) {
        return o.put("online", 0).put("offline", 0).put("partiallyDegraded", 0).put("total", 0);
    }

    private static void count(ObjectNode o, boolean online) {
        String key = online ? "online" : "offline";
        o.put(key, o.get(key).asInt() + 1);
        o.put("total", o.get("total").asInt() + 1);
    }
}
