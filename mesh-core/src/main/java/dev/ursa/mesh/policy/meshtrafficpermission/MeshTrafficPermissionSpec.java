package dev.ursa.mesh.policy.meshtrafficpermission;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;

/**
 * Kuma 2.14 MeshTrafficPermission: which clients may reach the selected proxies, either per client group
 * ({@code from[].default.action}) or by client identity ({@code rules[].default.allow/deny/allowWithShadowDeny}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshTrafficPermissionSpec(
        TargetRef targetRef,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<From> from,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rule> rules) implements TargetRefPolicy {

    /** An empty list means the same as an absent one; normalised so a round trip compares equal. */
    public MeshTrafficPermissionSpec {
        from = from == null || from.isEmpty() ? null : from;
        rules = rules == null || rules.isEmpty() ? null : rules;
    }

    @Override
    public List<From> from() {
        return from == null ? List.of() : from;
    }

    public List<Rule> rulesOrEmpty() {
        return rules == null ? List.of() : rules;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record From(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements PolicyItem {
        @Override
        public Conf conf() {
            return defaults;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(Action action) {
    }

    public enum Action {
        Allow,
        Deny,
        /** Lets requests pass but logs them as if denied, to try a deny before enforcing it. */
        AllowWithShadowDeny
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(@JsonProperty("default") RuleConf defaults) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleConf(List<Match> deny, List<Match> allowWithShadowDeny, List<Match> allow) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Match(@JsonProperty("spiffeID") SpiffeIdMatch spiffeID) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SpiffeIdMatch(SpiffeIdMatchType type, String value) {
    }

    public enum SpiffeIdMatchType {
        Exact,
        Prefix
    }
}
