package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ursa.mesh.model.ResourceSpec;

import java.util.List;
import java.util.Optional;

/**
 * A Mesh in Kuma's universal format, every section typed as Kuma 2.14 declares it. Ursa acts on {@code mtls} and
 * {@code routing.zoneEgress}'s rule; the other sections are validated and kept, and a Mesh that sets them gets a warning
 * that they have no effect yet ({@link MeshValidator}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshSpec(
        MeshMtls mtls,
        MeshSections.Tracing tracing,
        MeshSections.Logging logging,
        MeshSections.Metrics metrics,
        MeshSections.Networking networking,
        MeshSections.Routing routing,
        MeshSections.Constraints constraints,
        MeshSections.MeshServices meshServices,
        List<String> skipCreatingInitialPolicies) implements ResourceSpec {

    /** The enabled CA backend; empty when mTLS is off. */
    public Optional<MeshMtls.Backend> enabledMtls() {
        return mtls == null ? Optional.empty() : mtls.enabled();
    }

    public static MeshSpec empty() {
        return new MeshSpec(null, null, null, null, null, null, null, null, null);
    }
}
