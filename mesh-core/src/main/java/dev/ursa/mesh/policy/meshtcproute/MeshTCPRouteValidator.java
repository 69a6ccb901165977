package dev.ursa.mesh.policy.meshtcproute;

import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefListenerTags;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshtcproute.MeshTCPRouteSpec.BackendRef;
import dev.ursa.mesh.policy.meshtcproute.MeshTCPRouteSpec.Rule;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshExternalService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshGateway;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshMultiZoneService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/**
 * Kuma 2.14's MeshTCPRoute rules (pkg/plugins/policies/meshtcproute/api/v1alpha1/validator.go), plus weights not
 * negative and ports in range (Kuma's uint types).
 */
public final class MeshTCPRouteValidator implements SpecValidator<MeshTCPRouteSpec> {
    // Kuma's system-role variant (MeshGateway with listener tags) is accepted too, as MeshHTTPRoute's validator does.
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshGateway, MeshService, MeshServiceSubset, Dataplane);
    private static final Set<TargetRefKind> TO_GATEWAY = EnumSet.of(Mesh);
    private static final Set<TargetRefKind> TO = EnumSet.of(MeshService, MeshExternalService, MeshMultiZoneService);
    private static final Set<TargetRefKind> BACKEND = EnumSet.of(MeshService, MeshServiceSubset, MeshExternalService, MeshMultiZoneService);

    @Override
    public void validate(MeshTCPRouteSpec spec, FieldPath path, Violations out) {
        if (spec.targetRef() != null) {
            TargetRefListenerTags.validate(spec.targetRef(), path.field("targetRef"), TOP, false, out);
        }
        boolean gateway = spec.targetRefOrMesh().kind() == MeshGateway;
        for (int i = 0; i < spec.to().size(); i++) {
            var item = spec.to().get(i);
            FieldPath p = path.field("to").index(i);
            TargetRefRules.validate(item.targetRef(), p.field("targetRef"), gateway ? TO_GATEWAY : TO, false, out);
            List<Rule> rules = item.rules() == null ? List.of() : item.rules();
            if (rules.size() > 1) {
                // Kuma accepts them (its schema's maxItems: 1 is only enforced by Kubernetes) and uses the first.
                out.warn(p.field("rules"), "only the first rule is used: a TCP route has no matches to choose another");
            }
            for (int j = 0; j < rules.size(); j++) {
                validateRule(rules.get(j), p.field("rules").index(j), out);
            }
        }
    }

    private static void validateRule(Rule rule, FieldPath path, Violations out) {
        FieldPath refs = path.field("default").field("backendRefs");
        List<BackendRef> backendRefs = rule == null || rule.defaults() == null || rule.defaults().backendRefs() == null
                ? List.of() : rule.defaults().backendRefs();
        if (backendRefs.isEmpty()) {
            out.add(refs, "must be defined");
            return;
        }
        for (int i = 0; i < backendRefs.size(); i++) {
            BackendRef ref = backendRefs.get(i);
            FieldPath p = refs.index(i);
            TargetRefRules.validate(ref.targetRef(), p, BACKEND, false, out);
            if (ref.kind() == MeshMultiZoneService && ref.port() == null) {
                out.add(p.field("port"), "must be defined with kind MeshMultiZoneService");
            }
            if (ref.weight() != null && ref.weight() < 0) {
                out.add(p.field("weight"), "must not be negative");
            }
            if (ref.port() != null && (ref.port() < 1 || ref.port() > 65535)) {
                out.add(p.field("port"), "port must be in the range [1, 65535]");
            }
        }
    }
}
