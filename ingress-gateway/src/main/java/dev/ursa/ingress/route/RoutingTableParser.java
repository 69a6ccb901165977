package dev.ursa.ingress.route;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.ursa.mesh.crosszone.IngressXds;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the clusters a zone CP sends an ingress (format: {@link IngressXds}) into a {@link RoutingTable}. Any invalid
 * cluster rejects the whole response (the ingress NACKs it and keeps its last good table).
 */
public final class RoutingTableParser {
    public static final String CLUSTER_TYPE_URL = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

    private RoutingTableParser() {
    }

    /** @throws IllegalArgumentException listing every problem found */
    public static RoutingTable parse(String version, List<Any> resources) {
        List<String> errors = new ArrayList<>();
        Map<String, Route> bySni = new HashMap<>();
        Map<String, Route> byAuthority = new HashMap<>();
        for (Any any : resources) {
            if (!any.getTypeUrl().equals(CLUSTER_TYPE_URL)) {
                errors.add("unexpected resource type " + any.getTypeUrl());
                continue;
            }
            Cluster c;
            try {
                c = any.unpack(Cluster.class);
            } catch (InvalidProtocolBufferException e) {
                errors.add("undecodable cluster: " + e.getMessage());
                continue;
            }
            Struct meta = c.getMetadata().getFilterMetadataOrDefault(IngressXds.CLUSTER_METADATA, null);
            if (meta == null) {
                errors.add("cluster " + c.getName() + ": no metadata \"" + IngressXds.CLUSTER_METADATA + "\"");
                continue;
            }
            String mesh = text(meta, "mesh");
            String service = text(meta, "service");
            String sni = text(meta, "sni");
            if (mesh == null || service == null || sni == null) {
                errors.add("cluster " + c.getName() + ": metadata needs mesh, service and sni");
                continue;
            }
            List<Upstream> upstreams = new ArrayList<>();
            for (LocalityLbEndpoints l : c.getLoadAssignment().getEndpointsList()) {
                for (LbEndpoint e : l.getLbEndpointsList()) {
                    var sa = e.getEndpoint().getAddress().getSocketAddress();
                    if (sa.getAddress().isEmpty() || sa.getPortValue() <= 0 || sa.getPortValue() > 65535) {
                        errors.add("cluster " + c.getName() + ": endpoint without address or port");
                        continue;
                    }
                    int weight = e.hasLoadBalancingWeight() ? e.getLoadBalancingWeight().getValue() : 1;
                    upstreams.add(new Upstream(sa.getAddress(), sa.getPortValue(), Math.max(1, weight)));
                }
            }
            Route route = new Route(c.getName(), mesh, service, upstreams);
            if (bySni.put(sni.toLowerCase(Locale.ROOT), route) != null) errors.add("sni " + sni + " appears twice");
            Value names = meta.getFieldsOrDefault("authorities", null);
            if (names != null && names.hasListValue()) {
                for (Value a : names.getListValue().getValuesList()) {
                    if (!a.hasStringValue()) continue;
                    if (byAuthority.put(a.getStringValue(), route) != null) errors.add("authority " + a.getStringValue() + " appears twice");
                }
            }
        }
        if (!errors.isEmpty()) throw new IllegalArgumentException(String.join("; ", errors));
        return new RoutingTable(version, bySni, byAuthority);
    }

    private static String text(Struct s, String field) {
        Value v = s.getFieldsOrDefault(field, null);
        return v == null || !v.hasStringValue() || v.getStringValue().isEmpty() ? null : v.getStringValue();
    }
}
