package dev.ursa.mesh.policy.meshtimeout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 MeshTimeout: connection, idle and HTTP timeouts for outbound ({@code to}) and inbound ({@code from}, or the
 * newer {@code rules}) traffic. Every field is optional so a round trip writes back only what the user wrote.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshTimeoutSpec(
        TargetRef targetRef,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<From> from,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rule> rules) implements TargetRefPolicy {

    /** An empty list means the same as an absent one; normalised so a round trip compares equal. */
    public MeshTimeoutSpec {
        to = to == null || to.isEmpty() ? null : to;
        from = from == null || from.isEmpty() ? null : from;
        rules = rules == null || rules.isEmpty() ? null : rules;
    }

    @Override
    public List<To> to() {
        return to == null ? List.of() : to;
    }

    @Override
    public List<From> from() {
        return from == null ? List.of() : from;
    }

    public List<Rule> rulesOrEmpty() {
        return rules == null ? List.of() : rules;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaults;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record From(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaults;
        }
    }

    /** An inbound rule: applies to all traffic the selected proxies receive. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(@JsonProperty("default") Conf defaults) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(KumaDuration connectionTimeout, KumaDuration idleTimeout, Http http) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Http(
            KumaDuration requestTimeout,
            KumaDuration streamIdleTimeout,
            KumaDuration maxStreamDuration,
            KumaDuration maxConnectionDuration,
            KumaDuration requestHeadersTimeout) {
    }
}
