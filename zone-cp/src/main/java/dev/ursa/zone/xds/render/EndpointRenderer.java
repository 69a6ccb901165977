package dev.ursa.zone.xds.render;

import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.view.Endpoint;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.LocalityEndpoints;
import dev.ursa.zone.xds.view.ServiceEndpoints;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * EDS: one ClusterLoadAssignment per cluster and client locality plan. Localities are zones (plus affinity sub-zones
 * of the local zone); their priorities come from the client's {@link LocalityPlan}, renumbered without gaps (Envoy
 * and grpc-java reject sparse priorities).
 *
 * <ul>
 *   <li>Envoy: every endpoint, not-ready ones as UNHEALTHY, {@code overprovisioning_factor} from the failover threshold,
 *   so Envoy spills the share its overprovisioning rule gives. Cross-zone endpoints carry the transport-socket-match
 *   metadata {@value #CROSS_ZONE_MATCH_KEY} that selects the cluster's TLS (SNI) socket.</li>
 *   <li>Proxyless gRPC: healthy endpoints only; grpc-java has no overprovisioning rule, so when the first priority is
 *   below the threshold the zone CP computes Envoy's split ({@link PriorityLoad}) and sends the priorities that share
 *   traffic as one priority whose locality weights carry that split.</li>
 * </ul>
 */
public final class EndpointRenderer {
    /** Filter-metadata namespace Envoy matches transport sockets on. */
    public static final String TRANSPORT_SOCKET_MATCH = "envoy.transport_socket_match";
    public static final String CROSS_ZONE_MATCH_KEY = "ursa.io/cross-zone";
    /** Locality weights of a merged (threshold-split) priority are shares of this total. */
    static final int SPLIT_SCALE = 10_000;

    private EndpointRenderer() {
    }

    /** One rendered locality before priorities are numbered. */
    record Placed(String zone, String subZone, int priority, int weight, List<Endpoint> endpoints) {
        int healthyHosts() {
            return (int) endpoints.stream().filter(Endpoint::healthy).count();
        }

        List<Endpoint> healthy() {
            return endpoints.stream().filter(Endpoint::healthy).toList();
        }
    }

    /** An endpoint's (or a listener's) socket address. */
    public static Address address(String host, int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port)).build();
    }

    public static ClusterLoadAssignment render(EdsRef ref, EndpointIndex index) {
        ServiceEndpoints eps = index.endpoints(ref.service()).subset(ref.cluster().tags());
        List<Placed> placed = place(eps, ref.locality());
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(ref.name());
        if (ref.flavour() == Flavour.ENVOY) {
            envoy(cla, placed);
            cla.setPolicy(ClusterLoadAssignment.Policy.newBuilder().setOverprovisioningFactor(UInt32Value.of(ref.locality().overprovisioningFactor())));
        } else {
            proxyless(cla, placed, ref.locality().overprovisioningFactor());
        }
        return cla.build();
    }

    /** Assigns each locality its priority and weight; zones the plan excludes are dropped. */
    static List<Placed> place(ServiceEndpoints eps, LocalityPlan plan) {
        List<Placed> out = new ArrayList<>();
        for (LocalityEndpoints l : eps.localities()) {
            Optional<Integer> priority = plan.priorityOf(l.zone());
            if (priority.isEmpty() || l.endpoints().isEmpty()) continue;
            boolean local = l.zone().equals(plan.localZone());
            if (local && plan.localityWeighted()) {
                Map<String, List<Endpoint>> groups = new TreeMap<>();
                Map<String, Integer> weights = new LinkedHashMap<>();
                for (Endpoint e : l.endpoints()) {
                    Optional<LocalityPlan.SubZone> g = plan.subZoneOf(e.tags());
                    String sub = g.map(LocalityPlan.SubZone::name).orElse("");
                    groups.computeIfAbsent(sub, k -> new ArrayList<>()).add(e);
                    weights.put(sub, g.map(LocalityPlan.SubZone::weight).orElse(1));
                }
                groups.forEach((sub, members) -> out.add(new Placed(l.zone(), sub, priority.get(), weights.get(sub), merge(members))));
            } else {
                List<Endpoint> members = merge(l.endpoints());
                out.add(new Placed(l.zone(), "", priority.get(), Endpoint.sumWeights(members), members));
            }
        }
        // several localities of one zone (e.g. subsets offered by one ingress) are merged by place(); sort for stable output
        out.sort(Comparator.comparingInt(Placed::priority).thenComparing(Placed::zone).thenComparing(Placed::subZone));
        return mergeSameLocality(out);
    }

    /** Endpoints at one address (an ingress offering several subsets of a service) become one, weights summed. */
    private static List<Endpoint> merge(List<Endpoint> endpoints) {
        Map<String, Endpoint> byAddress = new TreeMap<>();
        for (Endpoint e : endpoints) {
            String key = e.address() + "|" + e.port() + "|" + e.healthy();
            byAddress.merge(key, e, (a, b) -> new Endpoint(a.address(), a.port(), Map.of(), Endpoint.addWeights(a.weight(), b.weight()), a.healthy(), a.crossZone()));
        }
        return byAddress.values().stream().sorted(Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port)).toList();
    }

    private static List<Placed> mergeSameLocality(List<Placed> sorted) {
        List<Placed> out = new ArrayList<>();
        for (Placed p : sorted) {
            Placed last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.zone().equals(p.zone()) && last.subZone().equals(p.subZone()) && last.priority() == p.priority()) {
                List<Endpoint> all = new ArrayList<>(last.endpoints());
                all.addAll(p.endpoints());
                out.set(out.size() - 1, new Placed(p.zone(), p.subZone(), p.priority(), Endpoint.addWeights(last.weight(), p.weight()), merge(all)));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static void envoy(ClusterLoadAssignment.Builder cla, List<Placed> placed) {
        List<Integer> priorities = new ArrayList<>(new TreeSet<>(placed.stream().map(Placed::priority).toList()));
        for (Placed p : placed) {
            cla.addEndpoints(locality(p, priorities.indexOf(p.priority()), p.weight(), p.endpoints(), true));
        }
    }

    private static void proxyless(ClusterLoadAssignment.Builder cla, List<Placed> placed, int factor) {
        // Envoy's split, from every host (unhealthy ones count towards their priority's total)
        List<Integer> logical = new ArrayList<>(new TreeSet<>(placed.stream().map(Placed::priority).toList()));
        List<PriorityLoad.Hosts> hosts = new ArrayList<>();
        for (int p : logical) {
            int healthy = 0;
            int total = 0;
            for (Placed l : placed) {
                if (l.priority() != p) continue;
                healthy += l.healthyHosts();
                total += l.endpoints().size();
            }
            hosts.add(new PriorityLoad.Hosts(healthy, total));
        }
        List<Integer> load = PriorityLoad.of(hosts, factor);
        boolean split = !load.isEmpty() && load.get(0) < 100 && load.stream().filter(l -> l > 0).count() > 1;
        int next = 0;
        if (split) {
            // the priorities that share traffic become one priority; their locality weights carry Envoy's split
            for (int i = 0; i < logical.size(); i++) {
                int p = logical.get(i);
                if (load.get(i) == 0) continue;
                List<Placed> members = placed.stream().filter(l -> l.priority() == p && l.healthyHosts() > 0).toList();
                int sum = members.stream().mapToInt(EndpointRenderer::healthyWeight).sum();
                for (Placed l : members) {
                    long w = Math.round((double) load.get(i) * SPLIT_SCALE / 100 * healthyWeight(l) / sum);
                    cla.addEndpoints(locality(l, 0, (int) Math.max(1, w), l.healthy(), false));
                }
            }
            next = 1;
        }
        for (int i = 0; i < logical.size(); i++) {
            int p = logical.get(i);
            if (split && load.get(i) > 0) continue;
            List<Placed> members = placed.stream().filter(l -> l.priority() == p && l.healthyHosts() > 0).toList();
            if (members.isEmpty()) continue; // grpc-java would wait on a priority it cannot use
            for (Placed l : members) cla.addEndpoints(locality(l, next, healthyWeight(l), l.healthy(), false));
            next++;
        }
    }

    /** A locality's weight counting only healthy endpoints (an affinity sub-zone keeps its configured weight). */
    private static int healthyWeight(Placed l) {
        if (!l.subZone().isEmpty()) return l.weight();
        return Endpoint.sumWeights(l.healthy());
    }

    private static LocalityLbEndpoints.Builder locality(Placed p, int priority, int weight, List<Endpoint> endpoints, boolean envoy) {
        Locality.Builder loc = Locality.newBuilder().setZone(p.zone());
        if (!p.subZone().isEmpty()) loc.setSubZone(p.subZone());
        LocalityLbEndpoints.Builder lle = LocalityLbEndpoints.newBuilder()
                .setLocality(loc)
                .setPriority(priority)
                // grpc-java drops a locality without a positive weight
                .setLoadBalancingWeight(UInt32Value.of(Math.max(1, weight)));
        for (Endpoint e : endpoints) {
            LbEndpoint.Builder lb = LbEndpoint.newBuilder()
                    .setHealthStatus(e.healthy() ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY)
                    .setLoadBalancingWeight(UInt32Value.of(e.weight()));
            lb.getEndpointBuilder().setAddress(address(e.address(), e.port()));
            if (envoy && e.crossZone()) {
                lb.setMetadata(Metadata.newBuilder().putFilterMetadata(TRANSPORT_SOCKET_MATCH, Struct.newBuilder()
                        .putFields(CROSS_ZONE_MATCH_KEY, Value.newBuilder().setBoolValue(true).build()).build()));
            }
            lle.addLbEndpoints(lb);
        }
        return lle;
    }
}
