package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.model.ResourceSpec;

import java.util.List;

/**
 * A Mesh in Kuma's universal format. Ursa does not act on mTLS, tracing, logging or metrics backends yet, so those
 * blocks are kept as the user wrote them (object-typed) and round-trip unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshSpec(
        JsonNode mtls,
        JsonNode tracing,
        JsonNode logging,
        JsonNode metrics,
        JsonNode networking,
        JsonNode routing,
        JsonNode constraints,
        JsonNode meshServices,
        List<String> skipCreatingInitialPolicies) implements ResourceSpec {

    public static MeshSpec empty() {
        return new MeshSpec(null, null, null, null, null, null, null, null, null);
    }
}
