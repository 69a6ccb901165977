package dev.ursa.sync.tokens;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Zone tokens: RS256 JWTs signed by the global. Claims: {@code iss=ursa-global}, {@code sub} and {@code zone} = the
 * zone name, {@code jti} (the id revocation uses), {@code iat}, {@code exp}. The key id ({@code kid}) names the signing
 * key so keys can be rotated later.
 */
public final class ZoneTokens {
    public static final String ISSUER = "ursa-global";
    public static final String ZONE_CLAIM = "zone";

    private final RsaJsonWebKey key;
    private final Clock clock;

    /** @param privateJwk the signing key pair as a private JWK (JSON), as {@link #generateKey()} makes it */
    public ZoneTokens(String privateJwk, Clock clock) {
        try {
            this.key = (RsaJsonWebKey) JsonWebKey.Factory.newJwk(privateJwk);
        } catch (JoseException | ClassCastException e) {
            throw new IllegalArgumentException("not an RSA JWK: " + e.getMessage(), e);
        }
        this.clock = clock;
    }

    /** A new RSA-2048 key pair as a private JWK (JSON), with a random key id. */
    public static String generateKey() {
        try {
            RsaJsonWebKey jwk = RsaJwkGenerator.generateJwk(2048);
            jwk.setKeyId(UUID.randomUUID().toString());
            return jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    public String keyId() {
        return key.getKeyId();
    }

    public String issue(String zone, Duration validFor) {
        if (!ZoneNames.valid(zone)) throw new IllegalArgumentException(ZoneNames.rule() + "; got \"" + zone + "\"");
        if (validFor.isNegative() || validFor.isZero()) throw new IllegalArgumentException("validFor must be positive");
        Instant now = clock.instant();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(zone);
        claims.setClaim(ZONE_CLAIM, zone);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromMilliseconds(now.toEpochMilli()));
        claims.setExpirationTime(NumericDate.fromMilliseconds(now.plus(validFor).toEpochMilli()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a zone token", e);
        }
    }

    public ZoneToken verify(String token) throws InvalidZoneTokenException {
        if (token == null || token.isBlank()) throw new InvalidZoneTokenException("no zone token");
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireJwtId()
                .setExpectedIssuer(ISSUER)
                .setVerificationKey(key.getPublicKey())
                .setJwsAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setAllowedClockSkewInSeconds(30)
                .build();
        try {
            JwtClaims claims = consumer.processToClaims(token);
            Object zone = claims.getClaimValue(ZONE_CLAIM);
            if (!(zone instanceof String z) || !ZoneNames.valid(z)) throw new InvalidZoneTokenException("token has no valid zone claim");
            Instant iat = claims.getIssuedAt() == null ? null : Instant.ofEpochMilli(claims.getIssuedAt().getValueInMillis());
            return new ZoneToken(z, claims.getJwtId(), iat, Instant.ofEpochMilli(claims.getExpirationTime().getValueInMillis()));
        } catch (InvalidJwtException e) {
            if (e.hasExpired()) throw new InvalidZoneTokenException("zone token expired");
            if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_INVALID)) throw new InvalidZoneTokenException("zone token signature is not valid");
            throw new InvalidZoneTokenException("zone token is not valid: " + firstReason(e));
        } catch (MalformedClaimException e) {
            throw new InvalidZoneTokenException("zone token has malformed claims");
        }
    }

    private static String firstReason(InvalidJwtException e) {
        return e.getErrorDetails().isEmpty() ? "malformed" : e.getErrorDetails().getFirst().getErrorMessage();
    }

    /** Decoded (unverified) claims, for tools; never use for authentication. */
    static Map<String, Object> peek(String token) throws InvalidJwtException {
        return new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature().setSkipSignatureVerification().build()
                .processToClaims(token).getClaimsMap();
    }
}
