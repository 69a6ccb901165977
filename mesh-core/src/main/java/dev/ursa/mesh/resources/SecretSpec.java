package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ursa.mesh.model.ResourceSpec;

/**
 * A mesh-scoped secret in Kuma's format ({@code type: Secret}): {@code data} is base64. Holds CA certificates and keys
 * (builtin CAs are stored as {@code <mesh>.ca-builtin-cert-<backend>} / {@code <mesh>.ca-builtin-key-<backend>}).
 * Sensitive: synced to zones over KDS (TLS), never exported as a change event, shown in clear only to admins.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretSpec(String data) implements ResourceSpec {
}
