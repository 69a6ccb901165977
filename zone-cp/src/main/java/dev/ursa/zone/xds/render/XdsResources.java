package dev.ursa.zone.xds.render;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The rendered xDS of one dataplane, each type with its own content version: a hash of the type's resources. Equal
 * content gives an equal version, so a recompute that changes nothing pushes nothing, and each type (and each node)
 * moves on its own.
 *
 * @param edsClusters   the clusters (with the node's locality policy) whose endpoints the node needs (EDS is rendered separately: {@link EndpointRenderer})
 * @param patchFailures the policies whose edits of the packed config were left out of it ({@link EnvoyPatch})
 */
public record XdsResources(List<Listener> listeners, String listenersVersion,
                           List<RouteConfiguration> routes, String routesVersion,
                           List<Cluster> clusters, String clustersVersion,
                           Set<EdsRef> edsClusters,
                           List<ClusterLoadAssignment> endpoints, String endpointsVersion,
                           List<PatchFailure> patchFailures) {
    public XdsResources {
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes);
        clusters = List.copyOf(clusters);
        edsClusters = Set.copyOf(edsClusters);
        endpoints = List.copyOf(endpoints);
        patchFailures = List.copyOf(patchFailures);
    }

    public XdsResources(List<Listener> listeners, String listenersVersion, List<RouteConfiguration> routes, String routesVersion,
                        List<Cluster> clusters, String clustersVersion, Set<EdsRef> edsClusters,
                        List<ClusterLoadAssignment> endpoints, String endpointsVersion) {
        this(listeners, listenersVersion, routes, routesVersion, clusters, clustersVersion, edsClusters, endpoints, endpointsVersion, List.of());
    }

    /** The same listeners, routes and clusters (same objects, same versions) with new endpoints. */
    public XdsResources withEndpoints(List<ClusterLoadAssignment> eds) {
        return withEndpoints(eds, version(eds));
    }

    /** As {@link #withEndpoints(List)} with the endpoints' version already known. */
    public XdsResources withEndpoints(List<ClusterLoadAssignment> eds, String version) {
        return new XdsResources(listeners, listenersVersion, routes, routesVersion, clusters, clustersVersion, edsClusters, eds, version,
                patchFailures);
    }

    /** The content version of resources, which must come in a stable order (renderers sort them by name). */
    public static String version(Collection<? extends Message> resources) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Message m : resources) {
            sha.update(m.toByteString().asReadOnlyByteBuffer());
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }
}
