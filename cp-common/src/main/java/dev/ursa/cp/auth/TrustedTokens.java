package dev.ursa.cp.auth;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.resources.TokenTrustSpec;
import dev.ursa.mesh.store.ResourceStore;
import org.jboss.logging.Logger;
import org.jose4j.jwt.JwtClaims;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The tokens of one kind this control plane accepts: signed by its own key ring or by a key the global published in the
 * {@code TokenTrust} {@code <kind>-tokens} (synced to zones by KDS), and revoked in neither this control plane's
 * revocations nor the published ones. A zone thus accepts dataplane tokens it minted and those the global minted; on
 * the global both sets are its own. Get one through {@link TokenKeys#trusted}.
 *
 * <p>Threads: {@link #verify} and {@link #revoked} read one volatile snapshot and never block (they run on gRPC event
 * loops); {@link #load()} reads the store (blocking: startup). The snapshot is rebuilt on this object's own thread
 * whenever the ring, the revocations or the published trust change, then {@link #onChange} listeners run there.
 */
public final class TrustedTokens implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TrustedTokens.class);

    /** What verification reads: every accepted key and both revocation lists. Immutable. */
    private record Snapshot(PublicKeys keys, Revocations own, Revocations published) {
        boolean revoked(String id) {
            return own.contains(id) || published.contains(id);
        }
    }

    private final ResourceStore store;
    private final TokenKind kind;
    private final StoredKeyRing ownRing;
    private final StoredRevocations ownRevocations;
    private final Clock clock;
    private final ResourceKey trustKey;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService refresher;
    private final AutoCloseable changes;
    private final AutoCloseable resyncs;
    private volatile Snapshot snapshot;
    /** Set by the first {@link #load()}: changes heard before it are applied by it. */
    private volatile boolean loadedOnce;
    private volatile PublicKeys ownKeys = PublicKeys.none();
    private volatile PublicKeys publishedKeys = PublicKeys.none();
    private volatile Revocations publishedRevocations = Revocations.none();

    public TrustedTokens(ResourceStore store, TokenKind kind, StoredKeyRing ownRing, StoredRevocations ownRevocations, Clock clock) {
        this.store = store;
        this.kind = kind;
        this.ownRing = ownRing;
        this.ownRevocations = ownRevocations;
        this.clock = clock;
        this.trustKey = TokenTrust.key(kind);
        this.refresher = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("trusted-" + kind.claim() + "-tokens").factory());
        this.changes = store.changes().subscribe(e -> {
            if (e.key().equals(trustKey)) refresher.execute(this::reloadPublished);
        });
        this.resyncs = store.changes().subscribeResync(r -> refresher.execute(this::reloadPublished));
        ownRing.onChange(ring -> refresher.execute(() -> {
            ownKeys = ring.publicKeys();
            rebuild();
        }));
        ownRevocations.onChange(r -> refresher.execute(this::rebuild));
    }

    public TokenKind kind() {
        return kind;
    }

    public Clock clock() {
        return clock;
    }

    /** Reads keys, revocations and the published trust from the store (blocking; generates the own ring on a fresh store). */
    public synchronized void load() {
        ownKeys = ownRing.publicKeys();
        ownRevocations.current();
        publishedFrom(StoredSecrets.join(store.get(trustKey)));
        rebuildNow();
        loadedOnce = true;
    }

    public boolean loaded() {
        return snapshot != null;
    }

    /** This, {@link #load() loaded} first if it is not yet (blocking then: never on an event loop). */
    public TrustedTokens loadedNow() {
        if (!loaded()) load();
        return this;
    }

    /**
     * Signature, issuer, kind and expiry; not revocation ({@link #revoked}). Never blocks: before {@link #load()} every
     * token is refused ("keys not loaded").
     */
    public JwtClaims verify(String token) throws InvalidTokenException {
        Snapshot s = snapshot;
        if (s == null) throw new InvalidTokenException(kind.claim() + " token keys are not loaded yet (store unavailable?); retry later");
        return s.keys().verify(token, kind, clock);
    }

    public boolean revoked(String tokenId) {
        Snapshot s = snapshot;
        return s != null && s.revoked(tokenId);
    }

    /** Told (on this object's thread) after keys or revocations changed: re-check what was admitted. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void reloadPublished() {
        try {
            publishedFrom(StoredSecrets.join(store.get(trustKey)));
            rebuild();
        } catch (RuntimeException e) {
            LOG.warnf("cannot read %s: %s (kept the previous keys and revocations)", trustKey, e.getMessage());
        }
    }

    private void publishedFrom(Optional<Resource> trust) {
        if (trust.isEmpty()) {
            publishedKeys = PublicKeys.none();
            publishedRevocations = Revocations.none();
            return;
        }
        TokenTrustSpec spec = trust.get().spec(TokenTrustSpec.class);
        publishedKeys = TokenTrust.keys(spec);
        publishedRevocations = TokenTrust.revocations(spec);
    }

    private void rebuild() {
        if (!loadedOnce) return;
        try {
            rebuildNow();
        } catch (RuntimeException e) {
            LOG.warnf("cannot rebuild the accepted %s token keys: %s (kept the previous ones)", kind.claim(), e.getMessage());
            return;
        }
        listeners.forEach(l -> {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "a listener of %s token changes failed", kind.claim());
            }
        });
    }

    private void rebuildNow() {
        snapshot = new Snapshot(ownKeys.and(publishedKeys), ownRevocations.current(), publishedRevocations);
    }

    @Override
    public void close() throws Exception {
        changes.close();
        resyncs.close();
        refresher.shutdownNow();
    }
}
