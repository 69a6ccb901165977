package dev.ursa.mesh.policy.meshloadbalancingstrategy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 {@code MeshLoadBalancingStrategy}: the load-balancing algorithm, hash policies and locality awareness
 * (local-zone affinity and the cross-zone failover order) for outbound traffic. Absent fields stay null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshLoadBalancingStrategySpec(
        TargetRef targetRef,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to) implements TargetRefPolicy {

    public MeshLoadBalancingStrategySpec {
        // Kuma treats a missing and an empty list alike; normalising keeps to() non-null for the matcher.
        to = to == null ? List.of() : List.copyOf(to);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(TargetRef targetRef, @JsonProperty("default") Conf defaultConf) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaultConf;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(LocalityAwareness localityAwareness, LoadBalancer loadBalancer, List<HashPolicy> hashPolicies) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LocalityAwareness(Boolean disabled, LocalZone localZone, CrossZone crossZone) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LocalZone(List<AffinityTag> affinityTags) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AffinityTag(String key, Integer weight) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CrossZone(List<Failover> failover, FailoverThreshold failoverThreshold) {
    }

    /** One priority step of the cross-zone failover order; {@code from} limits it to clients in those zones. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failover(FromZone from, ToZone to) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FromZone(List<String> zones) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToZone(ToZoneType type, List<String> zones) {
    }

    /** Percentage (0-100, int or decimal string) of healthy local endpoints below which the next priority takes traffic. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FailoverThreshold(KumaDecimal percentage) {
    }

    public enum ToZoneType {
        None,
        Only,
        Any,
        AnyExcept
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LoadBalancer(
            LoadBalancerType type,
            RoundRobin roundRobin,
            LeastRequest leastRequest,
            RingHash ringHash,
            Random random,
            Maglev maglev) {
    }

    public enum LoadBalancerType {
        RoundRobin,
        LeastRequest,
        RingHash,
        Random,
        Maglev
    }

    /** No options; present so {@code roundRobin: {}} round-trips (the annotation lets Jackson write an empty object). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoundRobin() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LeastRequest(Integer choiceCount, KumaDecimal activeRequestBias) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RingHash(HashFunction hashFunction, Integer minRingSize, Integer maxRingSize, List<HashPolicy> hashPolicies) {
    }

    public enum HashFunction {
        XXHash,
        MurmurHash2
    }

    /** No options; present so {@code random: {}} round-trips (the annotation lets Jackson write an empty object). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Random() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Maglev(Integer tableSize, List<HashPolicy> hashPolicies) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HashPolicy(
            HashPolicyType type,
            Boolean terminal,
            Header header,
            Cookie cookie,
            Connection connection,
            QueryParameter queryParameter,
            FilterState filterState) {
    }

    /** {@code SourceIP} is Kuma's deprecated spelling of {@code Connection}; still accepted. */
    public enum HashPolicyType {
        Header,
        Cookie,
        Connection,
        SourceIP,
        QueryParameter,
        FilterState
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Header(String name) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cookie(String name, KumaDuration ttl, String path) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Connection(Boolean sourceIP) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QueryParameter(String name) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FilterState(String key) {
    }
}
