package dev.ursa.sync.peer;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Jittered exponential backoff ("full jitter"): a random delay up to min(max, base * 2^attempt). */
public final class Backoff {
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
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(attempt, 20));
        attempt++;
        return Duration.ofMillis(cap / 2 + random.nextLong(cap / 2 + 1));
    }

    public synchronized void reset() {
        attempt = 0;
    }
}
