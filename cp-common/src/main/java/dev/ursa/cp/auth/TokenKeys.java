package dev.ursa.cp.auth;

import dev.ursa.mesh.store.ResourceStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one place a control plane gets the signing keys and revocations of each token kind it issues (user, dataplane,
 * zone), created on first use and kept in its store, and what it accepts of each kind ({@link #trusted}: its own keys
 * plus the ones the global publishes). A token kind never shares keys with another.
 */
@ApplicationScoped
public class TokenKeys {
    private static final Logger LOG = Logger.getLogger(TokenKeys.class);
    /** The longest validity any token may be issued with (Kuma's duration limit); superseded keys live this long. */
    public static final Duration MAX_VALIDITY = Duration.ofHours(87_600);

    private final ResourceStore store;
    private final Clock clock;
    private final Map<TokenKind, StoredKeyRing> rings = new EnumMap<>(TokenKind.class);
    private final Map<TokenKind, StoredRevocations> revocations = new EnumMap<>(TokenKind.class);
    private final Map<TokenKind, TrustedTokens> trusted = new EnumMap<>(TokenKind.class);

    @Inject
    public TokenKeys(ResourceStore store) {
        this(store, Clock.systemUTC());
    }

    public TokenKeys(ResourceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public synchronized StoredKeyRing ring(TokenKind kind) {
        return rings.computeIfAbsent(kind, k -> new StoredKeyRing(store, k, clock, MAX_VALIDITY));
    }

    public synchronized StoredRevocations revocations(TokenKind kind) {
        return revocations.computeIfAbsent(kind, k -> new StoredRevocations(store, k, clock));
    }

    /** The tokens of {@code kind} this control plane accepts (not loaded yet: {@link TrustedTokens#load()}). */
    public synchronized TrustedTokens trusted(TokenKind kind) {
        return trusted.computeIfAbsent(kind, k -> new TrustedTokens(store, k, ring(k), revocations(k), clock));
    }

    @PreDestroy
    synchronized void close() {
        for (AutoCloseable c : trusted.values()) closeQuietly(c);
        for (AutoCloseable c : rings.values()) closeQuietly(c);
        for (AutoCloseable c : revocations.values()) closeQuietly(c);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debugf("closing %s: %s", c, e.getMessage());
        }
    }
}
