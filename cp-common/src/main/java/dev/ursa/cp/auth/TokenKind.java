package dev.ursa.cp.auth;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The kinds of token Ursa issues. Each kind has its own signing keys and carries its kind in the {@code kind} claim,
 * so a token of one kind is never accepted as another (a dataplane token is not a user token).
 *
 * @param claim the value of the {@code kind} claim
 */
public enum TokenKind {
    USER("user"), DATAPLANE("dataplane"), ZONE("zone");

    public static final String CLAIM = "kind";
    public static final String ISSUER = "ursa";

    private final String claim;

    TokenKind(String claim) {
        this.claim = claim;
    }

    public String claim() {
        return claim;
    }

    /** The claims every token of this kind carries: issuer, kind, subject, a random id (what revocation names), iat, exp. */
    public JwtClaims newClaims(String subject, Instant now, Duration validFor) {
        if (validFor.isNegative() || validFor.isZero()) throw new IllegalArgumentException("validFor must be positive");
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setClaim(CLAIM, claim);
        claims.setSubject(subject);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromMilliseconds(now.toEpochMilli()));
        claims.setExpirationTime(NumericDate.fromMilliseconds(now.plus(validFor).toEpochMilli()));
        return claims;
    }

    /** Name of the internal secret holding this kind's signing keys. */
    public String keysSecretName() {
        return claim + "-token-signing-keys";
    }

    /** Name of the internal secret holding this kind's revoked token ids. */
    public String revocationsSecretName() {
        return claim + "-token-revocations";
    }
}
