package dev.ursa.zone.xds.plugins.meshloadbalancingstrategy;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.Conf;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.HashPolicy;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.LoadBalancer;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.OutboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.ursa.zone.xds.render.ProtoDurations.duration;

/**
 * MeshLoadBalancingStrategy, load balancer and hash policies. Locality awareness is mostly EDS (priorities and locality
 * weights: {@link dev.ursa.zone.xds.view.LocalityPolicy}, {@link dev.ursa.zone.xds.render.EndpointRenderer}); here
 * Envoy clusters get locality-weighted balancing when local affinity tags are set (Kuma does the same).
 * Envoy: every algorithm. Proxyless gRPC: RoundRobin, LeastRequest and RingHash (grpc-java has no Random or Maglev:
 * such clusters keep round robin), and only header hash policies.
 */
public final class MeshLoadBalancingStrategyPlugin implements PolicyPlugin {
    @Override
    public ResourceType type() {
        return ResourceTypes.MESH_LOAD_BALANCING_STRATEGY;
    }

    @Override
    public void apply(ProxyConfig cfg, PolicyRules rules) {
        for (Map.Entry<ClusterRef, Cluster.Builder> e : cfg.clusters().entrySet()) {
            rules.to().forService(e.getKey().service()).map(m -> m.conf(Conf.class))
                    .filter(c -> c.loadBalancer() != null && c.loadBalancer().type() != null)
                    .ifPresent(c -> cluster(cfg, e.getValue(), c.loadBalancer()));
            rules.to().forService(e.getKey().service()).map(m -> m.conf(Conf.class))
                    .filter(c -> !cfg.proxyless() && affinityTags(c))
                    .ifPresent(c -> e.getValue().getCommonLbConfigBuilder()
                            .setLocalityWeightedLbConfig(Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance()));
        }
        for (OutboundConfig out : cfg.outbounds()) {
            rules.to().forService(out.service()).map(m -> m.conf(Conf.class)).ifPresent(c -> {
                List<RouteAction.HashPolicy> hash = hashPolicies(cfg, c);
                if (hash.isEmpty()) return;
                for (Route.Builder r : out.routes) {
                    if (r.hasRoute()) r.getRouteBuilder().clearHashPolicy().addAllHashPolicy(hash);
                }
            });
        }
    }

    private static boolean affinityTags(Conf c) {
        var la = c.localityAwareness();
        return la != null && !Boolean.TRUE.equals(la.disabled()) && la.localZone() != null
                && la.localZone().affinityTags() != null && !la.localZone().affinityTags().isEmpty();
    }

    private static void cluster(ProxyConfig cfg, Cluster.Builder c, LoadBalancer lb) {
        switch (lb.type()) {
            case RoundRobin -> c.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
            case LeastRequest -> {
                c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
                if (lb.leastRequest() != null && lb.leastRequest().choiceCount() != null) {
                    c.setLeastRequestLbConfig(Cluster.LeastRequestLbConfig.newBuilder().setChoiceCount(UInt32Value.of(lb.leastRequest().choiceCount())));
                }
            }
            case RingHash -> {
                c.setLbPolicy(Cluster.LbPolicy.RING_HASH);
                var rh = lb.ringHash();
                if (rh != null) {
                    Cluster.RingHashLbConfig.Builder b = Cluster.RingHashLbConfig.newBuilder();
                    if (rh.minRingSize() != null) b.setMinimumRingSize(UInt64Value.of(rh.minRingSize()));
                    if (rh.maxRingSize() != null) b.setMaximumRingSize(UInt64Value.of(rh.maxRingSize()));
                    if (rh.hashFunction() != null && rh.hashFunction().name().equals("MurmurHash2")) {
                        b.setHashFunction(Cluster.RingHashLbConfig.HashFunction.MURMUR_HASH_2);
                    }
                    c.setRingHashLbConfig(b);
                }
            }
            case Random -> {
                if (!cfg.proxyless()) c.setLbPolicy(Cluster.LbPolicy.RANDOM);
            }
            case Maglev -> {
                if (cfg.proxyless()) return;
                c.setLbPolicy(Cluster.LbPolicy.MAGLEV);
                if (lb.maglev() != null && lb.maglev().tableSize() != null) {
                    c.setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(lb.maglev().tableSize())));
                }
            }
        }
    }

    private static List<RouteAction.HashPolicy> hashPolicies(ProxyConfig cfg, Conf c) {
        List<HashPolicy> source = new ArrayList<>();
        if (c.hashPolicies() != null) source.addAll(c.hashPolicies());
        LoadBalancer lb = c.loadBalancer();
        if (lb != null && lb.ringHash() != null && lb.ringHash().hashPolicies() != null) source.addAll(lb.ringHash().hashPolicies());
        if (lb != null && lb.maglev() != null && lb.maglev().hashPolicies() != null) source.addAll(lb.maglev().hashPolicies());
        List<RouteAction.HashPolicy> out = new ArrayList<>();
        for (HashPolicy h : source) {
            if (h.type() == null) continue;
            RouteAction.HashPolicy.Builder b = RouteAction.HashPolicy.newBuilder();
            if (h.terminal() != null) b.setTerminal(h.terminal());
            switch (h.type()) {
                case Header -> {
                    if (h.header() == null) continue;
                    b.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(h.header().name()));
                }
                case Cookie -> {
                    if (cfg.proxyless() || h.cookie() == null) continue;
                    RouteAction.HashPolicy.Cookie.Builder ck = RouteAction.HashPolicy.Cookie.newBuilder().setName(h.cookie().name());
                    if (h.cookie().ttl() != null) ck.setTtl(duration(h.cookie().ttl().value()));
                    if (h.cookie().path() != null) ck.setPath(h.cookie().path());
                    b.setCookie(ck);
                }
                case Connection, SourceIP -> {
                    if (cfg.proxyless()) continue;
                    b.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
                }
                case QueryParameter -> {
                    if (cfg.proxyless() || h.queryParameter() == null) continue;
                    b.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder().setName(h.queryParameter().name()));
                }
                case FilterState -> {
                    if (cfg.proxyless() || h.filterState() == null) continue;
                    b.setFilterState(RouteAction.HashPolicy.FilterState.newBuilder().setKey(h.filterState().key()));
                }
            }
            out.add(b.build());
        }
        return out;
    }
}
