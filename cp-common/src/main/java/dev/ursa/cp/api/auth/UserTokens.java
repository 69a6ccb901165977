package dev.ursa.cp.api.auth;

import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import jakarta.enterprise.context.ApplicationScoped;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * User tokens of this control plane: minted with its own {@code USER} key ring (each control plane has its own, in its
 * own store: a global's user token is not valid at a zone), verified for the admin API, revoked by id, rotated.
 * Blocking (the key ring and revocations are read from the store on first use): never call it on an event loop.
 */
@ApplicationScoped
public class UserTokens {
    public static final String GROUPS_CLAIM = "groups";
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(24);

    private final TokenKeys keys;

    public UserTokens(TokenKeys keys) {
        this.keys = keys;
    }

    /** A signed token; its id (jti) is what logs and revocations name. */
    public record Minted(String token, String id, Instant expiry) {
        @Override
        public String toString() {
            return "Minted[id=" + id + ", expiry=" + expiry + "]"; // never the token
        }
    }

    public Minted mint(String name, List<String> groups, Duration validFor) {
        JwtClaims claims = TokenKind.USER.newClaims(name, keys.clock().instant(), validFor);
        claims.setStringListClaim(GROUPS_CLAIM, List.copyOf(groups));
        String token = keys.ring(TokenKind.USER).sign(claims);
        return new Minted(token, PublicKeys.id(claims), PublicKeys.expiry(claims));
    }

    /** The caller a token authenticates: signature, issuer, kind, expiry, then revocation. */
    public Caller authenticate(String token) throws InvalidTokenException {
        JwtClaims claims = verify(token);
        String id = PublicKeys.id(claims);
        if (keys.revocations(TokenKind.USER).revoked(id)) throw new InvalidTokenException("user token revoked");
        try {
            List<String> groups = claims.hasClaim(GROUPS_CLAIM) ? claims.getStringListClaimValue(GROUPS_CLAIM) : List.of();
            return new Caller(claims.getSubject(), groups.stream().filter(Groups.KNOWN::contains).distinct().toList(), Optional.of(id));
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("user token has malformed claims");
        }
    }

    /** Signature, issuer, kind and expiry only (not revocation). */
    public JwtClaims verify(String token) throws InvalidTokenException {
        return keys.ring(TokenKind.USER).publicKeys().verify(token, TokenKind.USER, keys.clock());
    }

    /** @param expiry when the token expires anyway; unknown (only an id given): the longest validity from now */
    public void revoke(String tokenId, Optional<Instant> expiry) {
        keys.revocations(TokenKind.USER).revoke(tokenId, expiry.orElseGet(() -> keys.clock().instant().plus(TokenKeys.MAX_VALIDITY)));
    }

    /** A new signing key from now on (tokens signed before stay valid until they expire); returns its key id. */
    public String rotate() {
        return keys.ring(TokenKind.USER).rotate().current().kid();
    }
}
