package dev.ursa.mesh.policy.meshtls;

import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefRules;
import dev.ursa.mesh.policy.meshtls.MeshTLSSpec.Conf;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.ursa.mesh.policy.common.TargetRefKind.Dataplane;
import static dev.ursa.mesh.policy.common.TargetRefKind.Mesh;
import static dev.ursa.mesh.policy.common.TargetRefKind.MeshSubset;

/**
 * Kuma 2.14's MeshTLS rules ({@code pkg/plugins/policies/meshtls/api/v1alpha1/validator.go} and
 * {@code api/common/v1alpha1/tls}), with Kuma's paths, messages and order: top-level kinds Mesh, MeshSubset,
 * Dataplane; {@code from} kind Mesh only; not both {@code from} and {@code rules}; the version and the ciphers only
 * when the top level is the whole mesh.
 */
public final class MeshTLSValidator implements SpecValidator<MeshTLSSpec> {
    private static final Set<TargetRefKind> TOP = EnumSet.of(Mesh, MeshSubset, Dataplane);
    private static final Set<TargetRefKind> FROM = EnumSet.of(Mesh);
    public static final List<String> MODES = List.of("Strict", "Permissive");
    public static final List<String> VERSIONS = List.of("TLSAuto", "TLS10", "TLS11", "TLS12", "TLS13");
    public static final List<String> CIPHERS = List.of("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305");

    @Override
    public void validate(MeshTLSSpec spec, FieldPath path, Violations out) {
        boolean hasFrom = !spec.from().isEmpty();
        boolean hasRules = !spec.rulesOrEmpty().isEmpty();
        if (spec.targetRef() != null) {
            TargetRefRules.validate(spec.targetRef(), path.field("targetRef"), TOP, hasFrom || hasRules, out);
        }
        if (hasFrom && hasRules) {
            out.add(path, "field 'from' must be empty when 'rules' is defined");
        }
        TargetRefKind top = spec.targetRefOrMesh().kind();
        for (int i = 0; i < spec.rulesOrEmpty().size(); i++) {
            validateDefault(spec.rulesOrEmpty().get(i).defaults(), path.field("rules").index(i).field("default"), top, out);
        }
        for (int i = 0; i < spec.from().size(); i++) {
            MeshTLSSpec.From item = spec.from().get(i);
            FieldPath p = path.field("from").index(i);
            TargetRefRules.validate(item.targetRef(), p.field("targetRef"), FROM, true, out);
            validateDefault(item.defaults(), p.field("default"), top, out);
        }
    }

    private static void validateDefault(Conf conf, FieldPath path, TargetRefKind top, Violations out) {
        if (conf == null) return;
        if (conf.mode() != null && !MODES.contains(conf.mode())) {
            out.add(path.field("mode"), oneOf("mode", MODES));
        }
        List<String> ciphers = conf.tlsCiphers() == null ? List.of() : conf.tlsCiphers();
        if (!ciphers.isEmpty() && top != Mesh) {
            out.add(path.field("tlsCiphers"), "tlsCiphers can only be defined with top level targetRef kind: Mesh");
        } else if (!CIPHERS.containsAll(ciphers)) {
            out.add(path.field("tlsCiphers"), oneOf("tlsCiphers", CIPHERS));
        }
        if (conf.tlsVersion() != null) {
            if (top != Mesh) {
                out.add(path.field("tlsVersion"), "tlsVersion can only be defined with top level targetRef kind: Mesh");
            } else {
                validateVersion(conf.tlsVersion(), path.field("tlsVersion"), out);
            }
        }
    }

    /** Kuma's {@code tls.ValidateVersion}. */
    private static void validateVersion(MeshTLSSpec.Version version, FieldPath path, Violations out) {
        int min = -1;
        int max = -1;
        if (version.min() != null) {
            if (!VERSIONS.contains(version.min())) out.add(path.field("min"), oneOf("min", VERSIONS));
            else min = VERSIONS.indexOf(version.min());
        }
        if (version.max() != null) {
            if (!VERSIONS.contains(version.max())) out.add(path.field("max"), oneOf("max", VERSIONS));
            else max = VERSIONS.indexOf(version.max());
        }
        // TLSAuto (index 0) is no specific version: it never conflicts.
        if (min > 0 && max > 0 && min > max) {
            out.add(path.field("min"), "min version must be lower than max");
        }
    }

    /** Kuma's {@code MakeFieldMustBeOneOfErr}. */
    private static String oneOf(String field, List<String> allowed) {
        return "\"" + field + "\" must be one of [" + allowed.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", ")) + "]";
    }
}
