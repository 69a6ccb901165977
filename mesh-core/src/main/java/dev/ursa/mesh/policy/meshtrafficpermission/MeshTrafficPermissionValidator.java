package dev.ursa.mesh.policy.meshtrafficpermission;

import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.Match;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.RuleConf;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.SpiffeIdMatch;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.SpiffeIdMatchType;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshService;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshServiceSubset;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/** Kuma 2.14's MeshTrafficPermission rules (pkg/plugins/policies/meshtrafficpermission/api/v1alpha1/validator.go). */
public final class MeshTrafficPermissionValidator implements SpecValidator<MeshTrafficPermissionSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, MeshService, MeshServiceSubset, Dataplane);
    private static final Set<TargetRefKind> FROM = EnumSet.of(Mesh, MeshSubset, MeshService, MeshServiceSubset);
    /** SPIFFE ID: lower-case trust domain, then optional path segments of letters, digits, '.', '-' and '_'. */
    private static final Pattern SPIFFE_ID = Pattern.compile("^spiffe://[a-z0-9._-]+(/[A-Za-z0-9._-]+)*$");

    @Override
    public void validate(MeshTrafficPermissionSpec spec, FieldPath path, Violations out) {
        boolean hasFrom = !spec.from().isEmpty();
        boolean hasRules = !spec.rulesOrEmpty().isEmpty();
        if (spec.targetRef() != null) {
            TargetRefRules.validate(spec.targetRef(), path.field("targetRef"), TOP, hasFrom || hasRules, out);
        }
        if (hasFrom && hasRules) {
            out.add(path, "field 'from' must be empty when 'rules' is defined");
        }
        if (!hasFrom && !hasRules) {
            out.add(path, "at least one of 'from' or 'rules' has to be defined");
        }
        for (int i = 0; i < spec.rulesOrEmpty().size(); i++) {
            validateRule(spec.rulesOrEmpty().get(i).defaults(), path.field("rules").index(i), out);
        }
        for (int i = 0; i < spec.from().size(); i++) {
            var item = spec.from().get(i);
            FieldPath p = path.field("from").index(i);
            TargetRefRules.validate(item.targetRef(), p.field("targetRef"), FROM, true, out);
            if (item.defaults() == null || item.defaults().action() == null) {
                out.add(p.field("default").field("action"), "must be defined");
            }
        }
    }

    private static void validateRule(RuleConf conf, FieldPath rulePath, Violations out) {
        if (conf == null || (empty(conf.allow()) && empty(conf.allowWithShadowDeny()) && empty(conf.deny()))) {
            out.add(rulePath, "at least one of 'allow', 'allowWithShadowDeny', 'deny' has to be defined");
            return;
        }
        // Kuma reports these under spec.rules[i].<list>; the real field is under default, which is what we name.
        FieldPath path = rulePath.field("default");
        validateMatches(conf.allow(), path.field("allow"), out);
        validateMatches(conf.allowWithShadowDeny(), path.field("allowWithShadowDeny"), out);
        validateMatches(conf.deny(), path.field("deny"), out);
    }

    private static void validateMatches(List<Match> matches, FieldPath path, Violations out) {
        if (matches == null) {
            return;
        }
        for (int i = 0; i < matches.size(); i++) {
            Match m = matches.get(i);
            FieldPath p = path.index(i);
            if (m == null || m.spiffeID() == null) {
                out.add(p.field("spiffeID"), "must be defined");
                continue;
            }
            validateSpiffeId(m.spiffeID(), p.field("spiffeID"), out);
        }
    }

    private static void validateSpiffeId(SpiffeIdMatch id, FieldPath path, Violations out) {
        if (id.type() == null) {
            out.add(path.field("type"), "must be set");
        }
        String value = id.value();
        if (value == null || value.isEmpty()) {
            out.add(path.field("value"), "must be set");
            return;
        }
        // A prefix may end with '/' so that "spiffe://td/ns/a/" does not also match "spiffe://td/ns/ab".
        String checked = id.type() == SpiffeIdMatchType.Prefix && value.endsWith("/") && value.length() > "spiffe://".length() + 1
                ? value.substring(0, value.length() - 1) : value;
        if (!SPIFFE_ID.matcher(checked).matches()) {
            out.add(path, "must be a valid SPIFFE ID like spiffe://trust-domain/path (lower-case trust domain, "
                    + "path segments of letters, digits, '.', '-' and '_')");
        }
    }

    private static boolean empty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
