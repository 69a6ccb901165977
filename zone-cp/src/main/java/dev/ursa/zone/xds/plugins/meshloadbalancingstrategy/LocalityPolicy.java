package dev.ursa.zone.xds.plugins.meshloadbalancingstrategy;

import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.AffinityTag;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.Conf;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.CrossZone;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.Failover;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.LocalityAwareness;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec.ToZoneType;
import dev.ursa.zone.xds.render.LocalityPlan;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where one client sends one service's traffic, zone by zone: MeshLoadBalancingStrategy {@code localityAwareness}
 * resolved for the client's zone and inbound tags. A value: equal for clients with equal inputs, so their EDS is shared.
 *
 * <ul>
 *   <li>No policy, or no {@code localityAwareness}: the local zone at priority 0, every other zone at priority 1.</li>
 *   <li>{@code disabled: true}: every zone at priority 0, weighted by instance count.</li>
 *   <li>{@code crossZone.failover} set: entry i (of those whose {@code from.zones} holds the client's zone, or that have
 *   no {@code from}) gives priority i+1 to the zones its {@code to} selects; a zone takes the first entry that selects
 *   it; {@code None} selects nothing; zones no entry selects get no traffic.</li>
 *   <li>{@code localZone.affinityTags}: local endpoints sharing the client's value of a tag form a sub-locality with the
 *   tag's weight (default 9·10^(n-i-1), Kuma's rule); the rest of the local zone has weight 1.</li>
 * </ul>
 *
 * @param failover              the applicable failover entries, null when no list is set (= every zone at priority 1)
 * @param overprovisioningFactor Envoy's factor in percent, {@code 100 * 100 / failoverThreshold.percentage} (default
 *                              threshold 50% = 200)
 */
public record LocalityPolicy(String localZone, boolean disabled, List<AffinityGroup> affinity, List<FailoverRule> failover,
                             int overprovisioningFactor) implements LocalityPlan {
    public static final int DEFAULT_THRESHOLD_PERCENT = 50;

    public LocalityPolicy {
        affinity = List.copyOf(affinity);
        failover = failover == null ? null : List.copyOf(failover);
    }

    /** The default: local first, then every other zone. */
    public static LocalityPolicy defaults(String localZone) {
        return new LocalityPolicy(localZone, false, List.of(), null, factor(BigDecimal.valueOf(DEFAULT_THRESHOLD_PERCENT)));
    }

    /** A local endpoint group: endpoints whose {@code key} tag equals the client's {@code value}. */
    public record AffinityGroup(String key, String value, int weight) {
        public String subZone() {
            return key + "=" + value;
        }
    }

    /** One applicable failover entry: its zones get {@code priority}. */
    public record FailoverRule(int priority, ToZoneType type, Set<String> zones) {
        public FailoverRule {
            zones = Set.copyOf(zones);
        }

        boolean selects(String zone) {
            return switch (type) {
                case Any -> true;
                case Only -> zones.contains(zone);
                case AnyExcept -> !zones.contains(zone);
                case None -> false;
            };
        }
    }

    /**
     * @param conf       the effective MeshLoadBalancingStrategy conf for the service, or null
     * @param clientTags the client's inbound tags (first value wins when inbounds disagree)
     */
    public static LocalityPolicy of(String localZone, Conf conf, Map<String, String> clientTags) {
        LocalityAwareness la = conf == null ? null : conf.localityAwareness();
        if (la == null) return defaults(localZone);
        boolean disabled = Boolean.TRUE.equals(la.disabled());
        List<AffinityGroup> affinity = new ArrayList<>();
        if (!disabled && la.localZone() != null && la.localZone().affinityTags() != null) {
            List<AffinityTag> tags = la.localZone().affinityTags();
            for (int i = 0; i < tags.size(); i++) {
                AffinityTag t = tags.get(i);
                String value = clientTags.get(t.key());
                if (value == null) continue;
                int weight = t.weight() != null ? t.weight() : (int) (9 * Math.pow(10, tags.size() - i - 1));
                affinity.add(new AffinityGroup(t.key(), value, weight));
            }
        }
        CrossZone cz = la.crossZone();
        List<FailoverRule> failover = null;
        if (!disabled && cz != null && cz.failover() != null && !cz.failover().isEmpty()) {
            failover = new ArrayList<>();
            for (int i = 0; i < cz.failover().size(); i++) {
                Failover f = cz.failover().get(i);
                boolean applies = f.from() == null || f.from().zones() == null || f.from().zones().contains(localZone);
                if (!applies || f.to() == null || f.to().type() == null) continue;
                List<String> zones = f.to().zones() == null ? List.of() : f.to().zones();
                failover.add(new FailoverRule(i + 1, f.to().type(), Set.copyOf(zones)));
            }
        }
        BigDecimal threshold = cz == null || cz.failoverThreshold() == null || cz.failoverThreshold().percentage() == null
                ? null : cz.failoverThreshold().percentage().decimal().orElse(null);
        if (threshold == null || threshold.signum() <= 0) threshold = BigDecimal.valueOf(DEFAULT_THRESHOLD_PERCENT);
        return new LocalityPolicy(localZone, disabled, affinity, failover, factor(threshold));
    }

    /**
     * Envoy's overprovisioning factor for a threshold: a priority is fully used while healthy/total × factor ≥ 100%.
     * Exact (rounded to a whole percent): 70% gives 143, where Kuma truncates 100/70 to 1 and sends 100.
     */
    static int factor(BigDecimal thresholdPercent) {
        BigDecimal p = thresholdPercent.min(BigDecimal.valueOf(100));
        // A tiny threshold (validation only asks for > 0) means "stay on a priority while anything in it is healthy":
        // the factor saturates (it is a uint32 in Envoy) rather than overflowing an int, and is never divided out.
        if (p.compareTo(SATURATING_THRESHOLD) < 0) return Integer.MAX_VALUE;
        BigDecimal factor = BigDecimal.valueOf(10_000).divide(p, 0, RoundingMode.HALF_UP);
        return factor.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0 ? Integer.MAX_VALUE : factor.intValueExact();
    }

    /** Below this threshold (percent) the factor exceeds an int anyway. */
    private static final BigDecimal SATURATING_THRESHOLD = new BigDecimal("0.000001");

    /** The priority of a zone's endpoints, or empty when the client sends that zone nothing. */
    @Override
    public Optional<Integer> priorityOf(String zone) {
        if (disabled || zone.equals(localZone)) return Optional.of(0);
        if (failover == null) return Optional.of(1);
        for (FailoverRule r : failover) {
            if (r.selects(zone)) return Optional.of(r.priority());
        }
        return Optional.empty();
    }

    /** The sub-locality a local endpoint falls in ({@code key=value}), or empty for the rest of the local zone. */
    public Optional<AffinityGroup> affinityOf(Map<String, String> endpointTags) {
        for (AffinityGroup g : affinity) {
            if (g.value().equals(endpointTags.get(g.key()))) return Optional.of(g);
        }
        return Optional.empty();
    }

    @Override
    public Optional<SubZone> subZoneOf(Map<String, String> endpointTags) {
        return affinityOf(endpointTags).map(g -> new SubZone(g.subZone(), g.weight()));
    }

    /** Whether Envoy must weight localities (Kuma sets locality-weighted LB only for affinity tags). */
    @Override
    public boolean localityWeighted() {
        return !affinity.isEmpty();
    }
}
