package dev.ursa.cp.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.auth.Revocations;
import dev.ursa.mesh.validation.ValidationException;

import java.util.Optional;

/**
 * A checked {@code POST /tokens/<kind>/revocations} body: {@code {"id":"<jti>"}} or {@code {"token":"<jwt>"}}. An id must
 * be a token id (a UUID as Ursa issues them), never an arbitrary string.
 */
public record RevocationRequest(Optional<String> id, Optional<String> token) {
    public static final String TITLE = "Invalid revocation";

    public static RevocationRequest of(JsonNode body) {
        if (!body.isObject()) throw ValidationException.of(TITLE, "", "must be an object: {\"id\":\"<token id>\"} or {\"token\":\"<token>\"}");
        JsonNode id = body.path("id");
        JsonNode token = body.path("token");
        if (id.isTextual() && !id.asText().isBlank()) {
            if (!Revocations.isTokenId(id.asText().strip())) {
                throw ValidationException.of(TITLE, "id", "must be a token id (the token's jti, a UUID such as 0b9e4f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b)");
            }
            return new RevocationRequest(Optional.of(id.asText().strip()), Optional.empty());
        }
        if (token.isTextual() && !token.asText().isBlank()) return new RevocationRequest(Optional.empty(), Optional.of(token.asText().strip()));
        throw ValidationException.of(TITLE, "id", "give the token id (jti) as \"id\", or the token as \"token\"");
    }
}
