package dev.ursa.mesh.policy.meshtcproute;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ursa.mesh.policy.common.PolicyItem;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;
import java.util.Map;

/**
 * Kuma 2.14 MeshTCPRoute: where the TCP connections of the selected proxies to a destination go (weighted backends).
 * A {@code to} item carries {@code rules} (at most one is used, as in Kuma: TCP has no matches); an item without rules
 * routes to its own target.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshTCPRouteSpec(TargetRef targetRef, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<To> to) implements TargetRefPolicy {

    /** An empty list means the same as an absent one; normalised so a round trip compares equal. */
    public MeshTCPRouteSpec {
        to = to == null || to.isEmpty() ? null : to;
    }

    @Override
    public List<To> to() {
        return to == null ? List.of() : to;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record To(TargetRef targetRef, List<Rule> rules) implements PolicyItem {
        /** The rules are this item's configuration (Kuma's GetDefault: the first rule, or the target itself). */
        @Override
        public List<Rule> conf() {
            return rules;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(@JsonProperty("default") RuleConf defaults) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleConf(List<BackendRef> backendRefs) {
    }

    /** Kuma's BackendRef: a targetRef written inline, plus a weight and a MeshService port. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BackendRef(
            TargetRefKind kind,
            String name,
            String namespace,
            String sectionName,
            Map<String, String> tags,
            Map<String, String> labels,
            String mesh,
            List<TargetRef.ProxyType> proxyTypes,
            Integer weight,
            Integer port) {

        public TargetRef targetRef() {
            return new TargetRef(kind, name, namespace, sectionName, tags, labels, mesh, proxyTypes, null);
        }
    }
}
