package dev.ursa.zone.xds.plugins.meshtcproute;

import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.meshtcproute.MeshTCPRoutePolicy;
import dev.ursa.mesh.policy.meshtcproute.MeshTCPRouteSpec;
import dev.ursa.mesh.policy.meshtcproute.MeshTCPRouteSpec.BackendRef;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.meshhttproute.MeshHTTPRoutePlugin;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.OutboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MeshTCPRoute for Envoy sidecars, as Kuma renders it: the destination's TCP proxy goes to the route's backends, one
 * {@code cluster} or {@code weighted_clusters} ({@code MeshService}, or {@code MeshServiceSubset} as a subset cluster;
 * weight 0 left out, absent weight 1). Of several routes for one destination the most specific policy's wins, and its
 * first rule (an item without rules routes to its own target). On an HTTP destination a MeshTCPRoute applies only
 * when no MeshHTTPRoute routes it (Kuma: the HTTP route wins); then the destination is TCP-proxied, not HTTP-routed.
 * Proxyless gRPC clients speak HTTP/2 only: the route does not apply to them ({@link #notApplied}).
 */
public final class MeshTCPRoutePlugin implements PolicyPlugin {
    private static final long MAX_WEIGHT_SUM = 0xFFFF_FFFFL;
    /** A tag no endpoint carries: the cluster of a route whose every backend has weight 0 (Envoy refuses an empty split). */
    static final Map<String, String> NO_BACKEND = Map.of("ursa.dev/no-backend", "true");

    @Override
    public PolicyType descriptor() {
        return MeshTCPRoutePolicy.TYPE;
    }

    @Override
    public Optional<String> notApplied(Flavour flavour) {
        return flavour == Flavour.PROXYLESS
                ? Optional.of("not applied to proxyless gRPC clients: they speak HTTP/2 only, route them with MeshHTTPRoute")
                : Optional.empty();
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        PolicyRules httpRoutes = cfg.view().policies().get(ResourceTypes.MESH_HTTP_ROUTE);
        for (OutboundConfig out : cfg.outbounds()) {
            Optional<List<BackendRef>> backends = backendsFor(out.service(), rules.matches());
            if (backends.isEmpty()) continue;
            if (out.http()) {
                if (httpRoutes != null && !MeshHTTPRoutePlugin.rulesFor(out.service(), httpRoutes.matches()).isEmpty()) continue;
                out.proxyTcp();
            }
            split(cfg, out, backends.get());
        }
    }

    /**
     * The backends of the most specific route to {@code service} (the last policy, its last item naming the service):
     * its first rule's, or the target itself when the item has no rules (Kuma's {@code To.GetDefault}).
     */
    static Optional<List<BackendRef>> backendsFor(String service, List<PolicyMatch> matches) {
        for (int p = matches.size() - 1; p >= 0; p--) {
            MeshTCPRouteSpec spec = (MeshTCPRouteSpec) matches.get(p).policy().spec();
            for (int i = spec.to().size() - 1; i >= 0; i--) {
                MeshTCPRouteSpec.To to = spec.to().get(i);
                if (!appliesTo(to.targetRef(), service)) continue;
                if (to.rules() == null || to.rules().isEmpty() || to.rules().getFirst().defaults() == null
                        || to.rules().getFirst().defaults().backendRefs() == null) {
                    return Optional.of(List.of(new BackendRef(TargetRefKind.MeshService, service, null, null, null, null, null, null, 1, null)));
                }
                return Optional.of(to.rules().getFirst().defaults().backendRefs());
            }
        }
        return Optional.empty();
    }

    private static boolean appliesTo(TargetRef ref, String service) {
        if (ref == null || ref.kind() == null) return false;
        return switch (ref.kind()) {
            case Mesh -> true;
            case MeshService, MeshExternalService, MeshMultiZoneService -> service.equals(ref.name());
            default -> false;
        };
    }

    private static void split(ProxyConfig cfg, OutboundConfig out, List<BackendRef> backends) {
        List<BackendRef> weighted = backends.stream().filter(b -> b.weight() == null || b.weight() > 0).toList();
        TcpProxy.Builder tcp = out.tcp.clearClusterSpecifier();
        if (weighted.isEmpty()) {
            tcp.setCluster(clusterOf(cfg, new ClusterRef(out.service(), NO_BACKEND)));
        } else if (weighted.size() == 1) {
            tcp.setCluster(clusterOf(cfg, ref(weighted.getFirst(), out.service())));
        } else {
            long sum = weighted.stream().mapToLong(MeshTCPRoutePlugin::weight).sum();
            // Keep the weights' sum within uint32 as for HTTP splits, every backend at least 1.
            long divisor = sum <= MAX_WEIGHT_SUM ? 1 : Math.ceilDiv(sum, MAX_WEIGHT_SUM - weighted.size());
            TcpProxy.WeightedCluster.Builder wc = TcpProxy.WeightedCluster.newBuilder();
            for (BackendRef b : weighted) {
                wc.addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder().setName(clusterOf(cfg, ref(b, out.service())))
                        .setWeight((int) Math.max(1, weight(b) / divisor)));
            }
            tcp.setWeightedClusters(wc);
        }
    }

    private static long weight(BackendRef b) {
        return b.weight() == null ? 1 : b.weight();
    }

    private static String clusterOf(ProxyConfig cfg, ClusterRef ref) {
        cfg.cluster(ref);
        return ref.name();
    }

    static ClusterRef ref(BackendRef b, String fallback) {
        String service = b.name() == null || b.name().isEmpty() ? fallback : b.name();
        Map<String, String> tags = b.kind() == TargetRefKind.MeshServiceSubset && b.tags() != null ? b.tags() : Map.of();
        return new ClusterRef(service, tags);
    }
}
