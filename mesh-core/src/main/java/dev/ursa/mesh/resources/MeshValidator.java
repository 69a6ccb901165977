package dev.ursa.mesh.resources;

import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kuma 2.14's {@code MeshResource.Validate} ({@code pkg/core/resources/apis/mesh/mesh_validator.go}): mtls, logging,
 * tracing, metrics, constraints and the zone-egress rule, with Kuma's paths (including its quirks: {@code dpcert} in
 * lower case without the backend's index; a logging or tracing backend's {@code conf} reported as {@code config}) and
 * messages, in Kuma's order. Sections Ursa does not act on yet get a warning (the API's {@code Warning} header) rather
 * than being ignored silently. The CA backends' own checks (type installed, builtin name, provided certificate and key)
 * need the mesh name and the mesh's Secrets: they run on writes only, as in Kuma
 * ({@code dev.ursa.cp.mtls.CaBackendsValidator}).
 */
public final class MeshValidator implements SpecValidator<MeshSpec> {
    /** Kuma's {@code AllowedMTLSBackends}. */
    public static final int ALLOWED_MTLS_BACKENDS = 1;
    private static final Set<String> MODES = Set.of("STRICT", "PERMISSIVE");
    private static final List<String> MESH_SERVICES_MODES_ORDERED = List.of("Disabled", "Everywhere", "ReachableBackends", "Exclusive");
    private static final Set<String> MESH_SERVICES_MODES = Set.copyOf(MESH_SERVICES_MODES_ORDERED);

    @Override
    public void validate(MeshSpec spec, FieldPath path, Violations out) {
        mtls(spec.mtls(), path.field("mtls"), out);
        MeshBackendsValidator.logging(spec.logging(), path.field("logging"), out);
        MeshBackendsValidator.tracing(spec.tracing(), path.field("tracing"), out);
        MeshBackendsValidator.metrics(spec.metrics(), path.field("metrics"), out);
        constraints(spec.constraints(), path.field("constraints"), out);
        zoneEgress(spec, path, out);
        meshServices(spec.meshServices(), path.field("meshServices"), out);
        notActedOn(spec, path, out);
    }

    /** Kuma's {@code validateConstraints}: each requirement and restriction selects by at least one tag. */
    private static void constraints(MeshSections.Constraints constraints, FieldPath path, Violations out) {
        if (constraints == null || constraints.dataplaneProxy() == null) return;
        FieldPath dpp = path.field("dataplaneProxy");
        rules(constraints.dataplaneProxy().requirements(), dpp.field("requirements"), out);
        rules(constraints.dataplaneProxy().restrictions(), dpp.field("restrictions"), out);
    }

    private static void rules(List<MeshSections.TagRule> rules, FieldPath path, Violations out) {
        if (rules == null) return;
        for (int i = 0; i < rules.size(); i++) {
            FieldPath tags = path.index(i).field("tags");
            Map<String, String> t = rules.get(i) == null ? null : rules.get(i).tags();
            if (t == null || t.isEmpty()) out.add(tags, "must have at least one tag");
            Tags.validateSelector(t, tags, out);
        }
    }

    /** Kuma's mode is a protobuf enum: anything else fails to parse there. Ursa says which values exist. */
    private static void meshServices(MeshSections.MeshServices meshServices, FieldPath path, Violations out) {
        if (meshServices == null || meshServices.mode() == null) return;
        if (!MESH_SERVICES_MODES.contains(meshServices.mode())) {
            out.add(path.field("mode"), "must be one of " + String.join(", ", MESH_SERVICES_MODES_ORDERED));
        }
    }

    /** Sections Ursa keeps but does not act on yet: accepted, and said so. */
    private static void notActedOn(MeshSpec spec, FieldPath path, Violations out) {
        if (spec.logging() != null && !spec.logging().backendsOrEmpty().isEmpty()) {
            out.warn(path.field("logging"), "logging backends have no effect in Ursa yet (use MeshAccessLog)");
        }
        if (spec.tracing() != null && !spec.tracing().backendsOrEmpty().isEmpty()) {
            out.warn(path.field("tracing"), "tracing backends have no effect in Ursa yet (use MeshTrace)");
        }
        if (spec.metrics() != null && !spec.metrics().backendsOrEmpty().isEmpty()) {
            out.warn(path.field("metrics"), "metrics backends have no effect in Ursa yet (use MeshMetric)");
        }
        if (spec.constraints() != null && spec.constraints().dataplaneProxy() != null) {
            out.warn(path.field("constraints"), "dataplane proxy constraints are not enforced by Ursa yet");
        }
        if (spec.networking() != null && spec.networking().outbound() != null && spec.networking().outbound().passthrough() != null) {
            out.warn(path.field("networking").field("outbound").field("passthrough"), "has no effect in Ursa yet (no transparent proxying)");
        }
        if (spec.meshServices() != null && spec.meshServices().mode() != null && !"Disabled".equals(spec.meshServices().mode())) {
            out.warn(path.field("meshServices").field("mode"), "MeshService resources are not supported by Ursa yet");
        }
        if (spec.routing() != null && spec.routing().zoneEgressOn()) {
            out.warn(path.field("routing").field("zoneEgress"), "Ursa has no zone egress yet: cross-zone traffic goes straight to the zones' ingresses");
        }
    }

    /** Kuma's {@code validateMtls}. */
    private static void mtls(MeshMtls mtls, FieldPath path, Violations out) {
        if (mtls == null) return;
        List<MeshMtls.Backend> backends = mtls.backendsOrEmpty();
        if (backends.size() > ALLOWED_MTLS_BACKENDS) {
            out.add(path.field("backends"), "cannot have more than " + ALLOWED_MTLS_BACKENDS + " backends");
        }
        Set<String> used = new HashSet<>();
        for (int i = 0; i < backends.size(); i++) {
            MeshMtls.Backend backend = backends.get(i);
            String name = backend.name() == null ? "" : backend.name();
            if (!used.add(name)) {
                out.add(path.field("backends").index(i).field("name"), "\"" + name + "\" name is already used for another backend");
            }
            if (backend.dpCert() != null) {
                String expiration = backend.dpCert().rotation() == null ? "" : backend.dpCert().rotation().expiration();
                if (MeshDuration.parse(expiration == null ? "" : expiration).isEmpty()) {
                    // Kuma reports this without the backend's index, and with "dpcert" in lower case.
                    out.add(path.field("dpcert").field("rotation").field("expiration"), "has to be a valid format");
                }
            }
            // Kuma's mode is a protobuf enum: anything else fails to parse there. Ursa says which values exist.
            if (backend.mode() != null && !MODES.contains(backend.mode())) {
                out.add(path.field("backends").index(i).field("mode"), "must be STRICT or PERMISSIVE");
            }
        }
        String enabled = mtls.enabledBackend();
        if (enabled != null && !enabled.isEmpty() && !used.contains(enabled)) {
            out.add(path.field("enabledBackend"), "has to be set to one of the backends in the mesh");
        }
    }

    /** Kuma's {@code validateZoneEgress}: traffic through a zone egress is identified by mTLS. */
    private static void zoneEgress(MeshSpec spec, FieldPath path, Violations out) {
        if (spec.routing() == null || !spec.routing().zoneEgressOn()) return;
        String enabled = spec.mtls() == null ? null : spec.mtls().enabledBackend();
        if (enabled == null || enabled.isEmpty()) {
            out.add(path.field("mtls"), "has to be set when zoneEgress enabled");
        }
    }

}
