package dev.ursa.cp.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Public keys that verify tokens of one kind, by {@code kid}. Immutable. Verification checks signature (RS256 only),
 * issuer, the {@code kind} claim, expiry (30 s skew) and the presence of a token id; what the claims then allow is the
 * caller's business. Revocation is checked separately ({@link Revocations}).
 *
 * <p>Tokens that passed are remembered (bounded, per key set, so a changed key set starts empty): a data plane presents
 * the same token on every reconnect, and a reconnect storm would otherwise repeat thousands of RSA verifications.
 * A remembered token is still refused once it expires; revocation stays the caller's check on every use.
 */
public final class PublicKeys {
    private static final long CLOCK_SKEW_SECONDS = 30;
    static final int VERIFIED_MEMO_SIZE = 20_000;
    private final Map<String, RsaJsonWebKey> byKid;
    private final Cache<String, JwtClaims> verified = Caffeine.newBuilder().maximumSize(VERIFIED_MEMO_SIZE).build();

    private PublicKeys(Map<String, RsaJsonWebKey> byKid) {
        this.byKid = Map.copyOf(byKid);
    }

    public static PublicKeys of(List<RsaJsonWebKey> keys) {
        Map<String, RsaJsonWebKey> m = new LinkedHashMap<>();
        keys.forEach(k -> m.put(k.getKeyId(), k));
        return new PublicKeys(m);
    }

    public static PublicKeys none() {
        return new PublicKeys(Map.of());
    }

    /** Keys of both sets (e.g. a zone's own dataplane keys and the global's). */
    public PublicKeys and(PublicKeys other) {
        return of(Stream.concat(byKid.values().stream(), other.byKid.values().stream()).toList());
    }

    public List<RsaJsonWebKey> keys() {
        return List.copyOf(byKid.values());
    }

    public boolean isEmpty() {
        return byKid.isEmpty();
    }

    /** As a JSON Web Key Set ({@code {"keys":[...]}}), public parts only. */
    public String toJwks() {
        return new JsonWebKeySet(new ArrayList<JsonWebKey>(byKid.values())).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    public static PublicKeys fromJwks(String json) {
        try {
            List<RsaJsonWebKey> keys = new ArrayList<>();
            for (JsonWebKey k : new JsonWebKeySet(json).getJsonWebKeys()) {
                if (k instanceof RsaJsonWebKey rsa && rsa.getKeyId() != null) keys.add(rsa);
            }
            return of(keys);
        } catch (JoseException e) {
            throw new IllegalArgumentException("not a JSON Web Key Set");
        }
    }

    public JwtClaims verify(String token, TokenKind kind, Clock clock) throws InvalidTokenException {
        String label = kind.claim() + " token";
        if (token == null || token.isBlank()) throw new InvalidTokenException("no " + label);
        String memoKey = kind.claim() + ' ' + token.trim();
        JwtClaims known = verified.getIfPresent(memoKey);
        if (known != null) {
            if (clock.millis() > expiry(known).toEpochMilli() + CLOCK_SKEW_SECONDS * 1000) throw new InvalidTokenException(label + " expired");
            return known;
        }
        String kid;
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setCompactSerialization(token.trim());
            kid = jws.getKeyIdHeaderValue();
        } catch (JoseException e) {
            throw new InvalidTokenException(label + " is malformed");
        }
        RsaJsonWebKey key = kid == null ? null : byKid.get(kid);
        if (key == null) throw new InvalidTokenException(label + " signature is not valid (unknown signing key)");
        try {
            JwtClaims claims = new JwtConsumerBuilder()
                    .setRequireExpirationTime()
                    .setRequireJwtId()
                    .setExpectedIssuer(TokenKind.ISSUER)
                    .setVerificationKey(key.getPublicKey())
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                    .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                    .setAllowedClockSkewInSeconds((int) CLOCK_SKEW_SECONDS)
                    .build()
                    .processToClaims(token.trim());
            if (!kind.claim().equals(claims.getClaimValue(TokenKind.CLAIM))) {
                throw new InvalidTokenException("not a " + label);
            }
            verified.put(memoKey, claims);
            return claims;
        } catch (InvalidJwtException e) {
            if (e.hasExpired()) throw new InvalidTokenException(label + " expired");
            if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) throw new InvalidTokenException(label + " signature is not valid");
            if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID)) throw new InvalidTokenException(label + " has another issuer");
            throw new InvalidTokenException(label + " is not valid: "
                    + (e.getErrorDetails().isEmpty() ? "malformed" : e.getErrorDetails().getFirst().getErrorMessage()));
        }
    }

    /** Common claims of a verified token. */
    public static String id(JwtClaims claims) {
        try {
            return claims.getJwtId();
        } catch (MalformedClaimException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Instant expiry(JwtClaims claims) {
        try {
            return Instant.ofEpochMilli(claims.getExpirationTime().getValueInMillis());
        } catch (MalformedClaimException e) {
            throw new IllegalStateException(e);
        }
    }
}
