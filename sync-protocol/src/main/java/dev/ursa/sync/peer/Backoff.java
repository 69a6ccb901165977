package dev.ursa.sync.peer;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Jittered exponential backoff: a random delay between half and all of min(max, base * 2^attempt). A refusal (the peer
 * will not accept this client as it is) jumps to the longest delay at once. Thread-safe.
 */
public final class Backoff {
    private static final int MAX_SHIFT = 20;
    private final Duration base;
    private final Duration max;
    private final RandomGenerator random;
    private int attempt;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    public synchronized Duration next() {
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(attempt, MAX_SHIFT));
        attempt++;
        return Duration.ofMillis(cap / 2 + random.nextLong(cap / 2 + 1));
    }

    /** After a refusal (bad credentials, another client took over): the longest delay now and until {@link #reset()}. */
    public synchronized Duration nextAfterRefusal() {
        attempt = Math.max(attempt, MAX_SHIFT);
        return next();
    }

    public synchronized void reset() {
        attempt = 0;
    }
}
