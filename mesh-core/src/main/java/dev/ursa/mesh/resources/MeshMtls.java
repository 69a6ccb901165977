package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/**
 * {@code Mesh.mtls} in Kuma's format: the certificate authority backends of a mesh and the one that issues workload
 * certificates. mTLS is on when {@code enabledBackend} names a backend.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshMtls(String enabledBackend, List<Backend> backends, Boolean skipValidation) {
    public static final String BUILTIN = "builtin";
    public static final String PROVIDED = "provided";

    public List<Backend> backendsOrEmpty() {
        return backends == null ? List.of() : backends;
    }

    /** The enabled backend; empty when mTLS is off. */
    public Optional<Backend> enabled() {
        if (enabledBackend == null || enabledBackend.isEmpty()) return Optional.empty();
        return backendsOrEmpty().stream().filter(b -> b != null && enabledBackend.equals(b.name())).findFirst();
    }

    /**
     * A certificate authority backend.
     *
     * @param type {@code builtin} (Ursa generates the CA) or {@code provided} (the CA comes from Secrets)
     * @param conf the type's own settings: builtin {@code caCert.RSAbits}/{@code caCert.expiration}; provided
     *             {@code cert}/{@code key} data sources
     * @param mode {@code STRICT} (default: inbounds accept mTLS only) or {@code PERMISSIVE} (also plaintext)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Backend(String name, String type, DpCert dpCert, JsonNode conf, String mode, RootChain rootChain) {
        @JsonIgnore
        public boolean permissive() {
            return "PERMISSIVE".equals(mode);
        }
    }

    /** Settings of the certificates issued to dataplanes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DpCert(Rotation rotation, String requestTimeout) {
    }

    /** @param expiration lifetime of a dataplane certificate, Kuma's duration format (default {@code 24h}) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rotation(String expiration) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RootChain(String requestTimeout) {
    }
}
