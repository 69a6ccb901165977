package dev.ursa.cp.auth;

import dev.ursa.mesh.store.ResourceStore;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Revoked token ids of one kind, kept in the store (internal secret {@link TokenKind#revocationsSecretName()}) and
 * pruned of expired tokens at every write. Changes made by any instance reach {@link #onChange} listeners (e.g. to
 * close the streams a revoked token opened). Thread-safe.
 */
public final class StoredRevocations implements AutoCloseable {
    private final ResourceStore store;
    private final TokenKind kind;
    private final Clock clock;
    private final WatchedSecret<Revocations> secret;

    public StoredRevocations(ResourceStore store, TokenKind kind, Clock clock) {
        this.store = store;
        this.kind = kind;
        this.clock = clock;
        this.secret = new WatchedSecret<>(store, kind.revocationsSecretName(), stored -> Revocations.fromJson(stored.orElse("")));
    }

    public Revocations current() {
        return secret.get();
    }

    public boolean revoked(String tokenId) {
        return current().contains(tokenId);
    }

    /** @param expiry the revoked token's own expiry (the id is forgotten after it) */
    public Revocations revoke(String tokenId, Instant expiry) {
        StoredSecrets.update(store, kind.revocationsSecretName(),
                before -> Revocations.fromJson(before).prune(clock.instant()).with(tokenId, expiry).toJson());
        return secret.refresh();
    }

    public void onChange(Consumer<Revocations> listener) {
        secret.onChange(listener);
    }

    @Override
    public void close() throws Exception {
        secret.close();
    }
}
