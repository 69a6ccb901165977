package dev.ursa.cp.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.Revocations;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.mesh.validation.ValidationException;
import org.jose4j.jwt.JwtClaims;

import java.time.Instant;
import java.util.Locale;
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

    /**
     * Revokes what this request names among the tokens of {@code kind} and returns the revoked id: a token (any this
     * control plane trusts, e.g. at a zone also the global's) is kept revoked until it expires; a bare id, whose token
     * is unknown here, for as long as any token of the kind can be valid.
     */
    public String revokeIn(TokenKeys keys, TokenKind kind) {
        String revoked;
        Instant expiry;
        if (id.isPresent()) {
            revoked = id.get().toLowerCase(Locale.ROOT);
            expiry = keys.clock().instant().plus(TokenKeys.MAX_VALIDITY);
        } else {
            try {
                JwtClaims claims = keys.trusted(kind).loadedNow().verify(token.orElseThrow());
                revoked = PublicKeys.id(claims);
                expiry = PublicKeys.expiry(claims);
            } catch (InvalidTokenException e) {
                throw ValidationException.of(TITLE, "token", e.getMessage());
            }
        }
        keys.revocations(kind).revoke(revoked, expiry);
        return revoked;
    }
}
