package dev.ursa.zone.xds.render;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;

import java.util.regex.Pattern;

/**
 * A cluster to a telemetry collector given by address (an access log or tracing backend), as Kuma's
 * {@code ProvidedEndpointCluster} builds it: STATIC for an IP, STRICT_DNS (IPv4 lookups) for a name, a 5s connect
 * timeout, Kuma's alt stat name, and HTTP/2 when the collector speaks gRPC.
 */
public final class CollectorCluster {
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Duration CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(5).build();

    private CollectorCluster() {
    }

    public static Cluster of(String name, String host, int port, boolean http2) {
        boolean ip = IPV4.matcher(host).matches() || host.contains(":");
        LbEndpoint.Builder endpoint = LbEndpoint.newBuilder();
        endpoint.getEndpointBuilder().setAddress(EndpointRenderer.address(host, port));
        Cluster.Builder c = Cluster.newBuilder().setName(name)
                .setAltStatName(name.replace(':', '_'))
                .setConnectTimeout(CONNECT_TIMEOUT)
                .setType(ip ? Cluster.DiscoveryType.STATIC : Cluster.DiscoveryType.STRICT_DNS)
                .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name)
                        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(endpoint)));
        if (!ip) c.setDnsLookupFamily(Cluster.DnsLookupFamily.V4_ONLY);
        if (http2) c.putTypedExtensionProtocolOptions(Renderer.HTTP_PROTOCOL_OPTIONS, Any.pack(Renderer.http2Options()));
        return c.build();
    }
}
