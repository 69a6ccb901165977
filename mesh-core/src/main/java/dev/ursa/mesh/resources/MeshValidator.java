package dev.ursa.mesh.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Kuma's {@code MeshResource.Validate} ({@code pkg/core/resources/apis/mesh/mesh_validator.go}) for {@code mtls}
 * and the zone-egress rule, with Kuma's paths and messages and in Kuma's order; the pass-through blocks are checked to
 * be objects, so a typo like {@code "tracing": true} is caught. The CA backends' own checks (type installed, builtin
 * name, provided certificate and key) need the mesh name and the mesh's Secrets: they run on writes only, as in Kuma
 * ({@code dev.ursa.cp.mtls.CaBackendsValidator}).
 */
public final class MeshValidator implements SpecValidator<MeshSpec> {
    /** Kuma's {@code AllowedMTLSBackends}. */
    public static final int ALLOWED_MTLS_BACKENDS = 1;
    private static final Set<String> MODES = Set.of("STRICT", "PERMISSIVE");

    @Override
    public void validate(MeshSpec spec, FieldPath path, Violations out) {
        mtls(spec.mtls(), path.field("mtls"), out);
        object(spec.tracing(), path.field("tracing"), out);
        object(spec.logging(), path.field("logging"), out);
        object(spec.metrics(), path.field("metrics"), out);
        object(spec.networking(), path.field("networking"), out);
        object(spec.routing(), path.field("routing"), out);
        object(spec.constraints(), path.field("constraints"), out);
        object(spec.meshServices(), path.field("meshServices"), out);
        zoneEgress(spec, path, out);
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
        JsonNode routing = spec.routing();
        if (routing == null || !routing.path("zoneEgress").isBoolean() || !routing.get("zoneEgress").booleanValue()) return;
        String enabled = spec.mtls() == null ? null : spec.mtls().enabledBackend();
        if (enabled == null || enabled.isEmpty()) {
            out.add(path.field("mtls"), "has to be set when zoneEgress enabled");
        }
    }

    private static void object(JsonNode node, FieldPath path, Violations out) {
        if (node != null && !node.isNull() && !node.isObject()) {
            out.add(path, "must be an object");
        }
    }
}
