package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.model.ResourceSpec;

import java.util.List;
import java.util.Optional;

/**
 * A Mesh in Kuma's universal format. {@code mtls} is typed (Ursa issues certificates from it); Ursa does not act on
 * tracing, logging or metrics backends yet, so those blocks are kept as the user wrote them (object-typed) and
 * round-trip unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshSpec(
        MeshMtls mtls,
        JsonNode tracing,
        JsonNode logging,
        JsonNode metrics,
        JsonNode networking,
        JsonNode routing,
        JsonNode constraints,
        JsonNode meshServices,
        List<String> skipCreatingInitialPolicies) implements ResourceSpec {

    /** The enabled CA backend; empty when mTLS is off. */
    public Optional<MeshMtls.Backend> enabledMtls() {
        return mtls == null ? Optional.empty() : mtls.enabled();
    }

    public static MeshSpec empty() {
        return new MeshSpec(null, null, null, null, null, null, null, null, null);
    }
}
