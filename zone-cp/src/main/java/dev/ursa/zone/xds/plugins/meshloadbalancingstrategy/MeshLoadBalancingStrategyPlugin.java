package dev.ursa.zone.xds.plugins.meshloadbalancingstrategy;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategyPolicy;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.Conf;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.HashPolicy;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.HashPolicyType;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.LoadBalancer;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.LoadBalancerType;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.zone.xds.render.ClusterRef;
import dev.ursa.zone.xds.render.EndpointRenderer;
import dev.ursa.zone.xds.render.OutboundConfig;
import dev.ursa.zone.xds.render.PolicyPlugin;
import dev.ursa.zone.xds.render.ProxyConfig;
import dev.ursa.zone.xds.view.PolicyRules;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.ursa.zone.xds.render.ProtoDurations.duration;

/**
 * MeshLoadBalancingStrategy: locality awareness, load balancer and hash policies. Locality awareness is mostly EDS
 * (priorities and locality weights): this plugin gives each service's {@link LocalityPolicy} to the renderer, which
 * {@link EndpointRenderer} places endpoints by; Envoy clusters also get locality-weighted balancing when local affinity
 * tags are set (Kuma does the same).
 * Envoy: every algorithm. Proxyless gRPC: RoundRobin, LeastRequest and RingHash (grpc-java has no Random or Maglev:
 * such clusters keep round robin), and only header hash policies.
 */
public final class MeshLoadBalancingStrategyPlugin implements PolicyPlugin {
    private static final Set<LoadBalancerType> PROXYLESS_BALANCERS = EnumSet.of(LoadBalancerType.RoundRobin,
            LoadBalancerType.LeastRequest, LoadBalancerType.RingHash);
    private static final Set<HashPolicyType> PROXYLESS_HASHES = EnumSet.of(HashPolicyType.Header);

    @Override
    public PolicyType descriptor() {
        return MeshLoadBalancingStrategyPolicy.TYPE;
    }

    @Override
    public void applyEnvoy(ProxyConfig cfg, PolicyRules rules) {
        localities(cfg, rules);
        for (Map.Entry<ClusterRef, Cluster.Builder> e : cfg.clusters().entrySet()) {
            conf(rules, e.getKey().service()).filter(c -> c.loadBalancer() != null && c.loadBalancer().type() != null)
                    .ifPresent(c -> cluster(e.getValue(), c.loadBalancer()));
            conf(rules, e.getKey().service()).filter(MeshLoadBalancingStrategyPlugin::affinityTags)
                    .ifPresent(c -> e.getValue().getCommonLbConfigBuilder()
                            .setLocalityWeightedLbConfig(Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance()));
        }
        hashPolicies(cfg, rules, EnumSet.allOf(HashPolicyType.class));
    }

    @Override
    public void applyProxyless(ProxyConfig cfg, PolicyRules rules) {
        localities(cfg, rules);
        for (Map.Entry<ClusterRef, Cluster.Builder> e : cfg.clusters().entrySet()) {
            conf(rules, e.getKey().service())
                    .filter(c -> c.loadBalancer() != null && PROXYLESS_BALANCERS.contains(c.loadBalancer().type()))
                    .ifPresent(c -> cluster(e.getValue(), c.loadBalancer()));
        }
        hashPolicies(cfg, rules, PROXYLESS_HASHES);
    }

    private static Optional<Conf> conf(PolicyRules rules, String service) {
        return rules.to().forService(service).map(m -> m.conf(Conf.class));
    }

    /** Each service's locality awareness, resolved for this zone and the client's inbound tags (first value wins). */
    private static void localities(ProxyConfig cfg, PolicyRules rules) {
        Map<String, String> clientTags = new HashMap<>();
        for (Inbound in : cfg.view().inbounds()) in.tagsOrEmpty().forEach(clientTags::putIfAbsent);
        cfg.localities(service -> conf(rules, service).filter(c -> c.localityAwareness() != null)
                .map(c -> LocalityPolicy.of(cfg.localZone(), c, clientTags)));
    }

    private static boolean affinityTags(Conf c) {
        var la = c.localityAwareness();
        return la != null && !Boolean.TRUE.equals(la.disabled()) && la.localZone() != null
                && la.localZone().affinityTags() != null && !la.localZone().affinityTags().isEmpty();
    }

    private static void cluster(Cluster.Builder c, LoadBalancer lb) {
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
            case Random -> c.setLbPolicy(Cluster.LbPolicy.RANDOM);
            case Maglev -> {
                c.setLbPolicy(Cluster.LbPolicy.MAGLEV);
                if (lb.maglev() != null && lb.maglev().tableSize() != null) {
                    c.setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(lb.maglev().tableSize())));
                }
            }
        }
    }

    /** The hash policies of each outbound's routes, of the {@code supported} types only. */
    private static void hashPolicies(ProxyConfig cfg, PolicyRules rules, Set<HashPolicyType> supported) {
        for (OutboundConfig out : cfg.outbounds()) {
            conf(rules, out.service()).ifPresent(c -> {
                List<RouteAction.HashPolicy> hash = hashPolicies(c, supported);
                if (hash.isEmpty()) return;
                for (Route.Builder r : out.routes) {
                    if (r.hasRoute()) r.getRouteBuilder().clearHashPolicy().addAllHashPolicy(hash);
                }
            });
        }
    }

    private static List<RouteAction.HashPolicy> hashPolicies(Conf c, Set<HashPolicyType> supported) {
        List<HashPolicy> source = new ArrayList<>();
        if (c.hashPolicies() != null) source.addAll(c.hashPolicies());
        LoadBalancer lb = c.loadBalancer();
        if (lb != null && lb.ringHash() != null && lb.ringHash().hashPolicies() != null) source.addAll(lb.ringHash().hashPolicies());
        if (lb != null && lb.maglev() != null && lb.maglev().hashPolicies() != null) source.addAll(lb.maglev().hashPolicies());
        List<RouteAction.HashPolicy> out = new ArrayList<>();
        for (HashPolicy h : source) {
            if (h.type() == null || !supported.contains(h.type())) continue;
            RouteAction.HashPolicy.Builder b = RouteAction.HashPolicy.newBuilder();
            if (h.terminal() != null) b.setTerminal(h.terminal());
            switch (h.type()) {
                case Header -> {
                    if (h.header() == null) continue;
                    b.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(h.header().name()));
                }
                case Cookie -> {
                    if (h.cookie() == null) continue;
                    RouteAction.HashPolicy.Cookie.Builder ck = RouteAction.HashPolicy.Cookie.newBuilder().setName(h.cookie().name());
                    if (h.cookie().ttl() != null) ck.setTtl(duration(h.cookie().ttl().value()));
                    if (h.cookie().path() != null) ck.setPath(h.cookie().path());
                    b.setCookie(ck);
                }
                case Connection, SourceIP -> b.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
                case QueryParameter -> {
                    if (h.queryParameter() == null) continue;
                    b.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder().setName(h.queryParameter().name()));
                }
                case FilterState -> {
                    if (h.filterState() == null) continue;
                    b.setFilterState(RouteAction.HashPolicy.FilterState.newBuilder().setKey(h.filterState().key()));
                }
            }
            out.add(b.build());
        }
        return out;
    }
}
