package dev.ursa.mesh.policy.meshfaultinjection;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.InboundMatch;
import dev.ursa.mesh.policy.common.KumaDecimal;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 {@code MeshFaultInjection}: HTTP faults (abort with a status, delay, response bandwidth limit) injected
 * on the inbounds of the selected proxies, per client group ({@code from}), per client identity ({@code rules}), or on
 * gateways ({@code to}). Absent fields stay null so a round trip writes back only what the user wrote.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshFaultInjectionSpec(
        TargetRef targetRef,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<From> from,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rule> rules) implements TargetRefPolicy {

    public MeshFaultInjectionSpec {
        // Kuma treats a missing and an empty list alike; normalising keeps the lists non-null for the matcher.
        from = from == null ? List.of() : List.copyOf(from);
        to = to == null ? List.of() : List.copyOf(to);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record From(TargetRef targetRef, @JsonProperty("default") Conf defaultConf) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaultConf;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(TargetRef targetRef, @JsonProperty("default") Conf defaultConf) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaultConf;
        }
    }

    /** An inbound rule: its faults apply to clients matching any of {@code matches} (every client without matches). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(@JsonInclude(JsonInclude.Include.NON_EMPTY) List<InboundMatch> matches,
                       @JsonProperty("default") Conf defaultConf) {
        public List<InboundMatch> matchesOrEmpty() {
            return matches == null ? List.of() : matches;
        }
    }

    /** {@code http}: the faults, each an independent filter (all of them apply, in order). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(List<Fault> http) {
        public List<Fault> httpOrEmpty() {
            return http == null ? List.of() : http;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Fault(Abort abort, Delay delay, ResponseBandwidth responseBandwidth) {
    }

    /** {@code percentage}: an int or a decimal string ("50.5"); absent means 0, as in Kuma. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Abort(Integer httpStatus, KumaDecimal percentage) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delay(KumaDuration value, KumaDecimal percentage) {
    }

    /** {@code limit}: e.g. "100Mbps", "10kbps", "1Gbps". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResponseBandwidth(String limit, KumaDecimal percentage) {
    }
}
