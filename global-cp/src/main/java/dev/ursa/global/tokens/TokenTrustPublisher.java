package dev.ursa.global.tokens;

import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.Revocations;
import dev.ursa.cp.auth.StoredKeyRing;
import dev.ursa.cp.auth.StoredRevocations;
import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TokenTrust;
import dev.ursa.cp.store.StoreWait;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * Publishes the TokenTrust resources {@code zone-tokens} and {@code dataplane-tokens} (public keys and revoked ids of
 * the tokens this global mints), so KDS carries them to every zone: at start, and whenever a key ring or revocation
 * list changes (a rotation or revocation made by any instance sharing the database). A resource whose content is
 * already stored is not written again. Publishing runs on a start thread and then on the rings' and lists' own refresh
 * threads, serialised by this object's lock.
 */
@Startup
@ApplicationScoped
public class TokenTrustPublisher {
    private static final Logger LOG = Logger.getLogger(TokenTrustPublisher.class);
    /** The kinds a zone verifies with the global's keys: zone tokens (ingress scope) and dataplane tokens. */
    static final List<TokenKind> PUBLISHED = List.of(TokenKind.ZONE, TokenKind.DATAPLANE);

    private final TokenKeys keys;
    private final ZoneTokenService zoneTokens;
    private final ResourceStore store;
    private volatile boolean stopping;

    public TokenTrustPublisher(TokenKeys keys, ZoneTokenService zoneTokens, ResourceStore store) {
        this.keys = keys;
        this.zoneTokens = zoneTokens;
        this.store = store;
    }

    /** Waits for the store in the background (a global starts while its database is down). */
    @PostConstruct
    void start() {
        Thread.ofPlatform().daemon().name("token-trust-start").start(() -> {
            try {
                // The key rings report a store they cannot read yet as IllegalStateException.
                StoreWait.untilDone("token trust", () -> stopping, e -> e instanceof IllegalStateException, this::startPublishing);
            } catch (Exception e) {
                LOG.error("token trust cannot be published", e);
            }
        });
    }

    private void startPublishing() {
        for (TokenKind kind : PUBLISHED) {
            StoredKeyRing ring = keys.ring(kind);
            ring.onChange(r -> publishQuietly(kind));
            revocations(kind).onChange(r -> publishQuietly(kind));
            publish(kind);
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
    }

    private void publishQuietly(TokenKind kind) {
        try {
            publish(kind);
        } catch (RuntimeException e) {
            LOG.warnf("cannot publish the TokenTrust %s: %s (published again at the next key or revocation change)",
                    TokenTrust.name(kind), e.getMessage());
        }
    }

    /** Writes the kind's current trust unless the store holds it already. Blocking. */
    synchronized void publish(TokenKind kind) {
        PublicKeys publicKeys = keys.ring(kind).publicKeys();
        Revocations revoked = revocations(kind).current();
        Resource trust = TokenTrust.resource(kind, publicKeys, revoked);
        Optional<Resource> stored = StoredSecrets.join(store.get(TokenTrust.key(kind)));
        if (stored.isPresent() && stored.get().spec().equals(trust.spec())) return;
        StoredSecrets.join(store.put(trust, Precondition.ANY));
        LOG.infof("published TokenTrust %s (%d keys, %d revoked ids)", TokenTrust.name(kind), publicKeys.keys().size(), revoked.size());
    }

    /** Zone revocations through their service (it migrates the list of older versions first). */
    private StoredRevocations revocations(TokenKind kind) {
        return kind == TokenKind.ZONE ? zoneTokens.revocations() : keys.revocations(kind);
    }
}
