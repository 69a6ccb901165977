package dev.ursa.mesh.matching;

import dev.ursa.mesh.model.ReservedLabels;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefKind;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Kuma 2.14's precedence keys, least specific first (see {@link PolicyMatcher} for the full rules). */
final class PolicyOrder {
    static final String ORIGIN_LABEL = ReservedLabels.ORIGIN;
    static final String ROLE_LABEL = "kuma.io/policy-role";
    static final String DISPLAY_NAME_LABEL = "kuma.io/display-name";
    private static final List<String> ROLES = List.of("system", "producer", "consumer", "workload-owner");

    private PolicyOrder() {
    }

    /** Top-level targetRef, then origin, then policy role: Kuma's CompareByPolicyAttributes. */
    static final Comparator<PolicyMatch> ATTRIBUTES = Comparator
            .comparingInt((PolicyMatch m) -> m.targetRef().kind().specificity())
            .thenComparingInt(m -> m.targetRef().kind().ordinal())
            .thenComparingInt(m -> dataplaneRank(m.targetRef()))
            .thenComparingInt(m -> originRank(m.policy()))
            .thenComparingInt(m -> roleRank(m.policy()));

    /** Inverted lexicographic order of the display name: "b" before "a", so "a" is merged last and wins. */
    static final Comparator<PolicyMatch> DISPLAY_NAME = Comparator.comparing((PolicyMatch m) -> displayName(m.policy())).reversed();

    static final Comparator<PolicyMatch> POLICIES = ATTRIBUTES.thenComparing(DISPLAY_NAME);

    /** A {@code to} item's targetRef: kind, then MeshService with sectionName after one without (Kuma's CompareByToEntry). */
    static final Comparator<TargetRef> TO_ITEM = Comparator
            .comparingInt((TargetRef r) -> r.kind().specificity())
            .thenComparingInt(r -> r.kind().ordinal())
            .thenComparingInt(r -> r.sectionName() == null || r.sectionName().isEmpty() ? 0 : 1);

    /** Dataplane < Dataplane+labels < labels+sectionName < name < name+sectionName. */
    private static int dataplaneRank(TargetRef ref) {
        if (ref.kind() != TargetRefKind.Dataplane) return 0;
        boolean section = ref.sectionName() != null && !ref.sectionName().isEmpty();
        if (ref.name() != null && !ref.name().isEmpty()) return section ? 4 : 3;
        if (!ref.labelsOrEmpty().isEmpty()) return section ? 2 : 1;
        return 0;
    }

    /** Policies created on a zone win over those synced from the global. */
    private static int originRank(Resource policy) {
        return "zone".equals(labels(policy).get(ORIGIN_LABEL)) ? 1 : 0;
    }

    private static int roleRank(Resource policy) {
        int i = ROLES.indexOf(labels(policy).getOrDefault(ROLE_LABEL, "system"));
        return Math.max(i, 0);
    }

    static String displayName(Resource policy) {
        return labels(policy).getOrDefault(DISPLAY_NAME_LABEL, policy.meta().name());
    }

    private static Map<String, String> labels(Resource policy) {
        return policy.meta().labels();
    }
}
