package dev.ursa.global.tokens;

import dev.ursa.cp.auth.InvalidTokenException;
import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.Revocations;
import dev.ursa.cp.auth.StoredKeyRing;
import dev.ursa.cp.auth.StoredRevocations;
import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.ZoneToken;
import dev.ursa.mesh.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.jose4j.jwt.JwtClaims;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Zone tokens of this global on the shared token foundation: signed by the zone key ring ({@link TokenKeys#ring}),
 * checked against the zone revocations, both kept in the store so every global sharing a database signs, verifies and
 * revokes alike. Revocations made by any instance reach {@link #onRevocations} listeners (the KDS server closes the
 * streams the revoked tokens opened). Blocking (store reads on first use): never call it on an event loop.
 */
@ApplicationScoped
public class ZoneTokenService {
    private static final Logger LOG = Logger.getLogger(ZoneTokenService.class);

    private final TokenKeys keys;
    private final ResourceStore store;
    private volatile boolean migrated;

    public ZoneTokenService(TokenKeys keys, ResourceStore store) {
        this.keys = keys;
        this.store = store;
    }

    public Clock clock() {
        return keys.clock();
    }

    public StoredKeyRing ring() {
        return keys.ring(TokenKind.ZONE);
    }

    public StoredRevocations revocations() {
        if (!migrated) dropLegacyRevocations();
        return keys.revocations(TokenKind.ZONE);
    }

    /** A minted token (a credential: never log it) with the id and expiry that may be logged. */
    public record Minted(String token, String id, Instant expiry) {
    }

    /** A signed token of {@code zone} with {@code scopes}; the caller has validated the request. */
    public Minted issue(String zone, List<String> scopes, Duration validFor) {
        JwtClaims claims = ZoneToken.claims(zone, scopes, clock().instant(), validFor);
        return new Minted(ring().sign(claims), PublicKeys.id(claims), PublicKeys.expiry(claims));
    }

    /** Signature, issuer, kind, expiry and the zone claims; revocation is checked separately ({@link #revoked}). */
    public ZoneToken verify(String token) throws InvalidTokenException {
        return ZoneToken.of(ring().publicKeys().verify(token, TokenKind.ZONE, clock()));
    }

    public boolean revoked(ZoneToken token) {
        return revocations().revoked(token.id());
    }

    /** @param expiry when the token expires anyway (its id is forgotten then) */
    public void revoke(String tokenId, Instant expiry) {
        revocations().revoke(tokenId, expiry);
    }

    /** A new key signs from now on; tokens signed by the previous ones verify until they expire. Returns its kid. */
    public String rotate() {
        return ring().rotate().current().kid();
    }

    /** Called with the whole revocation list whenever it changes (on the list's own refresh thread). */
    public void onRevocations(Consumer<Revocations> listener) {
        revocations().onChange(listener);
    }

    /**
     * Before Ursa had a token foundation, the zone revocations secret held comma-separated ids of tokens no current key
     * can have signed. Such a list is dropped once (nothing it names can verify any more) so the new format parses.
     */
    private synchronized void dropLegacyRevocations() {
        if (migrated) return;
        String name = TokenKind.ZONE.revocationsSecretName();
        StoredSecrets.update(store, name, before -> {
            if (before.isBlank() || before.strip().startsWith("{")) return before;
            LOG.infof("dropping the pre-foundation zone token revocation list (its tokens no longer verify)");
            return "{}";
        });
        migrated = true;
    }
}
