package dev.ursa.zone.ingress;

import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.ursa.mesh.crosszone.CrossZoneNames;
import dev.ursa.mesh.crosszone.IngressXds;
import dev.ursa.zone.xds.render.EndpointRenderer;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.Endpoint;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders an ingress's routing table: one STATIC Cluster per (mesh, service) with local endpoints, named by its SNI,
 * endpoints inline, and the names routed to it in metadata (format: {@link IngressXds}).
 *
 * <p>HTTP/2 authorities: a proxyless client's authority is the bare service name ({@code backend}), which says nothing
 * about the mesh. A bare name routes to the only mesh offering that service; when several meshes offer it, to mesh
 * {@code default} if it is one of them, else to none (ambiguous: such clients must use the SNI name as authority,
 * which every cluster also accepts).
 */
public final class IngressClusters {
    public static final String DEFAULT_MESH = "default";
    private static final Duration CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(2).build();

    private IngressClusters() {
    }

    /** The clusters and their content version (equal tables, equal versions). */
    public record Table(List<Cluster> clusters, String version) {
    }

    public static Table render(String zone, Collection<MeshInventory> meshes) {
        Map<String, Set<String>> meshesByService = new TreeMap<>();
        for (MeshInventory m : meshes) {
            m.endpoints().keySet().forEach(svc -> meshesByService.computeIfAbsent(svc, k -> new TreeSet<>()).add(m.mesh()));
        }
        List<Cluster> clusters = new ArrayList<>();
        for (MeshInventory m : meshes) {
            m.endpoints().forEach((service, eps) -> {
                String sni = CrossZoneNames.sni(m.mesh(), service);
                List<String> authorities = new ArrayList<>();
                if (bareNameOwner(meshesByService.get(service)).equals(m.mesh())) authorities.add(service);
                authorities.add(sni);
                clusters.add(cluster(zone, m.mesh(), service, sni, authorities, eps));
            });
        }
        clusters.sort(Comparator.comparing(Cluster::getName));
        return new Table(List.copyOf(clusters), XdsResources.version(clusters));
    }

    private static String bareNameOwner(Set<String> meshes) {
        if (meshes.size() == 1) return meshes.iterator().next();
        return meshes.contains(DEFAULT_MESH) ? DEFAULT_MESH : "";
    }

    private static Cluster cluster(String zone, String mesh, String service, String sni, List<String> authorities, List<Endpoint> eps) {
        LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder().setLocality(Locality.newBuilder().setZone(zone));
        for (Endpoint e : eps) {
            LbEndpoint.Builder lb = LbEndpoint.newBuilder().setLoadBalancingWeight(UInt32Value.of(e.weight()));
            lb.getEndpointBuilder().setAddress(EndpointRenderer.address(e.address(), e.port()));
            locality.addLbEndpoints(lb);
        }
        ListValue.Builder names = ListValue.newBuilder();
        authorities.forEach(a -> names.addValues(Value.newBuilder().setStringValue(a)));
        Struct meta = Struct.newBuilder()
                .putFields("mesh", Value.newBuilder().setStringValue(mesh).build())
                .putFields("service", Value.newBuilder().setStringValue(service).build())
                .putFields("sni", Value.newBuilder().setStringValue(sni).build())
                .putFields("authorities", Value.newBuilder().setListValue(names).build())
                .build();
        return Cluster.newBuilder()
                .setName(sni)
                .setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(CONNECT_TIMEOUT)
                .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(sni).addEndpoints(locality))
                .setMetadata(Metadata.newBuilder().putFilterMetadata(IngressXds.CLUSTER_METADATA, meta))
                .build();
    }
}
