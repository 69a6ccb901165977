package dev.ursa.zone.xds.auth;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Which identity (zone token id) registered each ingress of this zone: the first stream of {@code ingress/<name>}
 * binds the name to its token, and a stream with another token is refused while the binding lasts. The binding ends
 * {@code grace} after the owner's last stream closed (when the ZoneIngress is removed too) or at once when the owner's
 * token is revoked, so a replaced gateway can register after that. Thread-safe (one lock; short critical sections).
 */
final class IngressOwners {
    private final Duration grace;
    private final ScheduledExecutorService timer;
    private final Map<String, Owner> byName = new HashMap<>();

    private static final class Owner {
        final String tokenId;
        final Set<Long> streams = new HashSet<>();
        ScheduledFuture<?> release;

        Owner(String tokenId) {
            this.tokenId = tokenId;
        }
    }

    IngressOwners(Duration grace, ScheduledExecutorService timer) {
        this.grace = grace;
        this.timer = timer;
    }

    /** Binds {@code name} to {@code tokenId} for {@code streamId}; the token id of the current owner when it is another. */
    synchronized Optional<String> claim(String name, String tokenId, long streamId) {
        Owner owner = byName.get(name);
        if (owner != null && !owner.tokenId.equals(tokenId)) return Optional.of(owner.tokenId);
        if (owner == null) {
            owner = new Owner(tokenId);
            byName.put(name, owner);
        }
        if (owner.release != null) {
            owner.release.cancel(false);
            owner.release = null;
        }
        owner.streams.add(streamId);
        return Optional.empty();
    }

    /** A stream of {@code name} closed: the binding ends after the grace period unless a stream of its owner returns. */
    synchronized void closed(String name, long streamId) {
        Owner owner = byName.get(name);
        if (owner == null || !owner.streams.remove(streamId) || !owner.streams.isEmpty()) return;
        Owner released = owner;
        owner.release = timer.schedule(() -> release(name, released), grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The owner's token was revoked: its bindings end now. */
    synchronized void revoked(String tokenId) {
        byName.values().removeIf(o -> {
            if (!o.tokenId.equals(tokenId)) return false;
            if (o.release != null) o.release.cancel(false);
            return true;
        });
    }

    synchronized Optional<String> owner(String name) {
        return Optional.ofNullable(byName.get(name)).map(o -> o.tokenId);
    }

    private synchronized void release(String name, Owner owner) {
        if (byName.get(name) == owner && owner.streams.isEmpty()) byName.remove(name);
    }
}
