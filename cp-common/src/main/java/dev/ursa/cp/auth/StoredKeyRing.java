package dev.ursa.cp.auth;

import dev.ursa.mesh.store.ResourceStore;
import org.jose4j.jwt.JwtClaims;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The signing key ring of one token kind, kept in the store (internal secret {@link TokenKind#keysSecretName()}):
 * generated at the first use on a fresh database, shared by every instance on that database, rotated by
 * {@link #rotate()}. Superseded keys are pruned after {@code maxValidity}, the longest validity a token of this kind
 * can be issued with, so a rotation never breaks a live token. Thread-safe.
 */
public final class StoredKeyRing implements AutoCloseable {
    private final ResourceStore store;
    private final TokenKind kind;
    private final Clock clock;
    private final Duration maxValidity;
    private final WatchedSecret<KeyRingValue> secret;

    /** Equality by serialised form, so listeners only hear real changes. */
    private record KeyRingValue(String json, KeyRing ring) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyRingValue v && v.json.equals(json);
        }

        @Override
        public int hashCode() {
            return json.hashCode();
        }
    }

    public StoredKeyRing(ResourceStore store, TokenKind kind, Clock clock, Duration maxValidity) {
        this.store = store;
        this.kind = kind;
        this.clock = clock;
        this.maxValidity = maxValidity;
        this.secret = new WatchedSecret<>(store, kind.keysSecretName(), stored -> {
            String json = stored.orElseGet(() -> StoredSecrets.createIfAbsent(store, kind.keysSecretName(),
                    KeyRing.generate(clock.instant()).toJson()));
            return new KeyRingValue(json, KeyRing.fromJson(json));
        });
    }

    public TokenKind kind() {
        return kind;
    }

    public Duration maxValidity() {
        return maxValidity;
    }

    public KeyRing ring() {
        return secret.get().ring();
    }

    /** Signs with the current key; refuses a validity beyond {@link #maxValidity()} (the pruning horizon). */
    public String sign(JwtClaims claims) {
        Instant expiry = PublicKeys.expiry(claims);
        if (expiry.isAfter(clock.instant().plus(maxValidity).plusSeconds(60))) {
            throw new IllegalArgumentException("a " + kind.claim() + " token is valid for at most " + maxValidity);
        }
        return ring().sign(claims);
    }

    public PublicKeys publicKeys() {
        return ring().publicKeys();
    }

    /** A new key signs from now on; old keys verify until their tokens have expired. Returns the new ring. */
    public KeyRing rotate() {
        StoredSecrets.update(store, kind.keysSecretName(), before -> {
            KeyRing ring = before.isEmpty() ? KeyRing.generate(clock.instant()) : KeyRing.fromJson(before);
            return ring.prune(clock.instant(), maxValidity).rotate(clock.instant()).toJson();
        });
        return secret.refresh().ring();
    }

    /** Hears every change of the ring (a rotation here or at another instance), on the ring's refresh thread. */
    public void onChange(Consumer<KeyRing> listener) {
        secret.onChange(v -> listener.accept(v.ring()));
    }

    @Override
    public void close() throws Exception {
        secret.close();
    }
}
