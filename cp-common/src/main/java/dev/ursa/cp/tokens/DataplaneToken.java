package dev.ursa.cp.tokens;

import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.TokenKind;
import org.jose4j.jwt.JwtClaims;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a dataplane token says (claims {@code mesh}, {@code name}, {@code tags}, {@code type}): which dataplanes may
 * present it. A token without a name is valid for any dataplane of its mesh whose tags it allows; a token without tags
 * allows any tags.
 *
 * @param id     the token id ({@code jti}): what logs and revocations name, never the token itself
 * @param name   empty: any dataplane name of the mesh
 * @param tags   tag name to its allowed values; empty: any tags
 * @param expiry when the token stops being valid
 */
public record DataplaneToken(String id, String mesh, Optional<String> name, Map<String, List<String>> tags, Instant expiry) {
    public static final String MESH = "mesh";
    public static final String NAME = "name";
    public static final String TAGS = "tags";
    public static final String TYPE = "type";

    public DataplaneToken {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        tags.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        tags = Collections.unmodifiableMap(copy);
    }

    /** The claims of a new token for {@code request}, issued at {@code now}. */
    public static JwtClaims claims(DataplaneTokenRequest request, Instant now) {
        JwtClaims claims = TokenKind.DATAPLANE.newClaims(request.name().orElse(""), now, request.validFor());
        claims.setStringClaim(MESH, request.mesh());
        request.name().ifPresent(n -> claims.setStringClaim(NAME, n));
        if (!request.tags().isEmpty()) claims.setClaim(TAGS, request.tags());
        claims.setStringClaim(TYPE, DataplaneTokenRequest.TYPE);
        return claims;
    }

    /** Reads verified claims; a token whose claims do not have the shape Ursa issues is refused. */
    public static DataplaneToken of(JwtClaims claims) throws InvalidTokenException {
        Object mesh = claims.getClaimValue(MESH);
        if (!(mesh instanceof String m) || m.isEmpty()) throw new InvalidTokenException("dataplane token has no mesh");
        Object type = claims.getClaimValue(TYPE);
        if (type != null && !DataplaneTokenRequest.TYPE.equals(type)) throw new InvalidTokenException("dataplane token is not of type dataplane");
        Object name = claims.getClaimValue(NAME);
        if (name != null && !(name instanceof String)) throw new InvalidTokenException("dataplane token has a malformed name");
        Map<String, List<String>> tags = new LinkedHashMap<>();
        Object rawTags = claims.getClaimValue(TAGS);
        if (rawTags != null) {
            if (!(rawTags instanceof Map<?, ?> map)) throw new InvalidTokenException("dataplane token has malformed tags");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof List<?> values)) {
                    throw new InvalidTokenException("dataplane token has malformed tags");
                }
                List<String> allowed = new ArrayList<>();
                for (Object v : values) {
                    if (!(v instanceof String s)) throw new InvalidTokenException("dataplane token has malformed tags");
                    allowed.add(s);
                }
                tags.put(key, allowed);
            }
        }
        String n = (String) name;
        return new DataplaneToken(PublicKeys.id(claims), m, n == null || n.isEmpty() ? Optional.empty() : Optional.of(n), tags,
                PublicKeys.expiry(claims));
    }

    /** For logs and refusals: the token's id and what it allows, never the token. */
    public String describe() {
        return "dataplane token " + id + " (mesh " + mesh + name.map(n -> ", name " + n).orElse("") + (tags.isEmpty() ? "" : ", tags " + tags) + ")";
    }
}
