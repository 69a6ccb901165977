package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.Violations;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** Kuma's targetRef validation: which kinds a position accepts and which fields each kind needs or forbids. */
public final class TargetRefRules {
    private TargetRefRules() {
    }

    /**
     * @param ref       the targetRef (null is reported as missing)
     * @param supported the kinds this position accepts
     * @param inbound   true for inbound (from / rules) positions, where Dataplane sectionName is allowed
     */
    public static void validate(TargetRef ref, FieldPath path, Set<TargetRefKind> supported, boolean inbound, Violations out) {
        if (ref == null) {
            out.add(path, "must be defined");
            return;
        }
        if (ref.kind() == null) {
            out.add(path.field("kind"), "must be defined");
            return;
        }
        if (!supported.contains(ref.kind())) {
            out.add(path.field("kind"), "value '" + ref.kind() + "' is not supported");
            return;
        }
        TargetRefKind kind = ref.kind();
        switch (kind) {
            case Mesh -> {
                if (set(ref.name())) out.add(path.field("name"), "using name with kind Mesh is not yet supported");
                forbid(path, "mesh", ref.mesh(), kind, out);
                forbid(path, "tags", ref.tags(), kind, out);
                forbid(path, "labels", ref.labels(), kind, out);
                forbid(path, "namespace", ref.namespace(), kind, out);
                forbid(path, "sectionName", ref.sectionName(), kind, out);
            }
            case Dataplane -> {
                // Kuma's docs (2.14) select Dataplanes by inbound tags too (e.g. the gRPC MeshRetry example); Ursa
                // accepts that and matches the tags like MeshSubset does.
                Tags.validateSelector(ref.tags(), path.field("tags"), out);
                if (set(ref.tags()) && (set(ref.name()) || set(ref.labels()))) {
                    out.add(path.field("tags"), "tags cannot be combined with name or labels");
                }
                forbid(path, "mesh", ref.mesh(), kind, out);
                forbid(path, "proxyTypes", ref.proxyTypes(), kind, out);
                if (set(ref.labels()) && (set(ref.name()) || set(ref.namespace()))) {
                    out.add(path.field("labels"), "either labels or name and namespace must be specified");
                }
                if (!inbound && set(ref.sectionName())) {
                    out.add(path.field("sectionName"), "can only be used with inbound policies");
                }
            }
            case MeshSubset -> {
                forbid(path, "name", ref.name(), kind, out);
                forbid(path, "mesh", ref.mesh(), kind, out);
                Tags.validateTags(ref.tags(), path.field("tags"), out);
                forbid(path, "labels", ref.labels(), kind, out);
                forbid(path, "namespace", ref.namespace(), kind, out);
                forbid(path, "sectionName", ref.sectionName(), kind, out);
            }
            case MeshService, MeshHTTPRoute, MeshMultiZoneService -> {
                validName(path, ref.name(), out);
                forbid(path, "mesh", ref.mesh(), kind, out);
                forbid(path, "tags", ref.tags(), kind, out);
                forbid(path, "proxyTypes", ref.proxyTypes(), kind, out);
                if (!set(ref.labels()) && !set(ref.name())) {
                    if (kind == TargetRefKind.MeshService) {
                        // Kuma's docs contain such a policy ("Same-namespace exception"); accept it, say what it does.
                        out.warn(path.field("name"), "MeshService without name or labels selects every service, like kind Mesh");
                    } else {
                        require(path, "name", ref.name(), kind, out);
                    }
                }
                if (set(ref.labels()) && (set(ref.name()) || set(ref.namespace()))) {
                    out.add(path.field("labels"), "either labels or name and namespace must be specified");
                }
                if (set(ref.labels()) && set(ref.sectionName())) {
                    out.add(path.field("sectionName"), "sectionName should not be combined with labels");
                }
            }
            case MeshServiceSubset, MeshGateway -> {
                require(path, "name", ref.name(), kind, out);
                validName(path, ref.name(), out);
                forbid(path, "mesh", ref.mesh(), kind, out);
                forbid(path, "proxyTypes", ref.proxyTypes(), kind, out);
                Tags.validateSelector(ref.tags(), path.field("tags"), out);
                if (kind == TargetRefKind.MeshGateway) forbid(path, "tags", ref.tags(), kind, out);
                forbid(path, "labels", ref.labels(), kind, out);
                forbid(path, "namespace", ref.namespace(), kind, out);
                forbid(path, "sectionName", ref.sectionName(), kind, out);
            }
            case MeshExternalService -> {
                validName(path, ref.name(), out);
                forbid(path, "mesh", ref.mesh(), kind, out);
                forbid(path, "tags", ref.tags(), kind, out);
                forbid(path, "proxyTypes", ref.proxyTypes(), kind, out);
                if (!set(ref.labels())) require(path, "name", ref.name(), kind, out);
                if (set(ref.labels()) && set(ref.name())) {
                    out.add(path.field("labels"), "either labels or name must be specified");
                }
                forbid(path, "sectionName", ref.sectionName(), kind, out);
            }
        }
    }

    private static void validName(FieldPath path, String name, Violations out) {
        if (name != null && !Tags.isValidName(name)) {
            out.add(path.field("name"), Tags.NAME_RULE);
        }
    }

    private static boolean set(Object value) {
        return switch (value) {
            case null -> false;
            case String s -> !s.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Collection<?> c -> !c.isEmpty();
            default -> true;
        };
    }

    private static void forbid(FieldPath path, String field, Object value, TargetRefKind kind, Violations out) {
        if (set(value)) out.add(path.field(field), "must not be set with kind " + kind);
    }

    private static void require(FieldPath path, String field, Object value, TargetRefKind kind, Violations out) {
        if (!set(value)) out.add(path.field(field), "must be set with kind " + kind);
    }
}
