package dev.ursa.cp.auth;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The claims of a verified zone token: the zone it names (claims {@code sub} and {@code zone}), its id ({@code jti},
 * what revocation names), its scopes and its issue and expiry times. Scope {@value #CP} lets a zone CP open KDS to the
 * global; scope {@value #INGRESS} lets an ingress gateway register at its zone CP. The global mints them
 * ({@code POST /tokens/zone}); the global checks them on KDS and zones check ingress tokens with the keys the global
 * publishes ({@link TokenTrust}). Immutable.
 */
public record ZoneToken(String zone, String id, Set<String> scopes, Instant issuedAt, Instant expiresAt) {
    public static final String ZONE_CLAIM = "zone";
    public static final String SCOPE_CLAIM = "scope";
    public static final String CP = "cp";
    public static final String INGRESS = "ingress";
    /** Every scope a zone token may carry. */
    public static final Set<String> SCOPES = Set.of(CP, INGRESS);
    /** What a token minted without a scope allows: a zone CP's KDS stream. */
    public static final List<String> DEFAULT_SCOPE = List.of(CP);

    public ZoneToken {
        scopes = Set.copyOf(scopes);
    }

    public boolean allows(String scope) {
        return scopes.contains(scope);
    }

    /** The claims to sign for a token of {@code zone} with {@code scopes} (validated by the caller). */
    public static JwtClaims claims(String zone, List<String> scopes, Instant now, Duration validFor) {
        if (!ZoneNames.valid(zone)) throw new IllegalArgumentException(ZoneNames.rule());
        JwtClaims claims = TokenKind.ZONE.newClaims(zone, now, validFor);
        claims.setClaim(ZONE_CLAIM, zone);
        claims.setStringListClaim(SCOPE_CLAIM, List.copyOf(new LinkedHashSet<>(scopes)));
        return claims;
    }

    /** Reads the claims of a token {@link PublicKeys#verify verified} as a zone token. */
    public static ZoneToken of(JwtClaims claims) throws InvalidTokenException {
        Object zone = claims.getClaimValue(ZONE_CLAIM);
        if (!(zone instanceof String z) || !ZoneNames.valid(z)) throw new InvalidTokenException("zone token has no valid zone claim");
        Object raw = claims.getClaimValue(SCOPE_CLAIM);
        Set<String> scopes = new LinkedHashSet<>();
        if (raw instanceof List<?> list) {
            for (Object s : list) {
                if (s instanceof String str) scopes.add(str);
            }
        } else if (raw != null) {
            throw new InvalidTokenException("zone token has a malformed scope claim");
        }
        Instant issued;
        try {
            issued = claims.getIssuedAt() == null ? Instant.EPOCH : Instant.ofEpochMilli(claims.getIssuedAt().getValueInMillis());
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("zone token has a malformed iat claim");
        }
        return new ZoneToken(z, PublicKeys.id(claims), scopes, issued, PublicKeys.expiry(claims));
    }

    /** The scope values of a mint request that are not zone-token scopes (empty when all are). */
    public static List<String> unknownScopes(List<String> scopes) {
        List<String> unknown = new ArrayList<>();
        for (String s : scopes) {
            if (!SCOPES.contains(s)) unknown.add(s);
        }
        return unknown;
    }
}
