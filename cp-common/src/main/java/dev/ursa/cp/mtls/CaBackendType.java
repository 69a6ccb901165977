package dev.ursa.cp.mtls;

import dev.ursa.mesh.resources.MeshMtls;
import dev.ursa.mesh.validation.Violation;

import java.util.List;

/** A CA backend type (Kuma's CA plugin), as far as validating a backend on write goes. */
public interface CaBackendType {
    /** The {@code mtls.backends[].type} it handles. */
    String type();

    /**
     * Kuma's {@code ca.Manager.ValidateBackend}: violations with the paths the plugin reports (relative to the backend's
     * {@code conf}, Kuma's quirks included), empty when valid.
     */
    List<Violation> validateBackend(String mesh, MeshMtls.Backend backend, DataSourceLoader loader);
}
