package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ursa.mesh.model.ResourceSpec;

import java.util.List;
import java.util.Map;

/**
 * What a zone needs to verify tokens the global issues (named after the token kind: {@code zone-tokens},
 * {@code dataplane-tokens}): the public signing keys (JWKs, public parts only) and the revoked token ids with each
 * token's expiry. Written by the global whenever its keys or revocations change; read-only through the API; synced to
 * every zone. Holds nothing secret.
 *
 * @param keys    JSON Web Keys (RSA public keys with their {@code kid})
 * @param revoked token id to the token's expiry (RFC 3339)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenTrustSpec(List<Map<String, Object>> keys, Map<String, String> revoked) implements ResourceSpec {
    public TokenTrustSpec {
        keys = keys == null ? List.of() : List.copyOf(keys);
        revoked = revoked == null ? Map.of() : Map.copyOf(revoked);
    }
}
