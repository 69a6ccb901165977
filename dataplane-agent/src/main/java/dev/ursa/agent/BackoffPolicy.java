package dev.ursa.agent;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the n-th retry in a row waits {@code min(max, initial * 2^(n-1))} less up to 20 %
 * (random), so agents that lost the CP together do not come back together, and each wait still exceeds the one before
 * until the cap.
 */
public record BackoffPolicy(Duration initial, Duration max, DoubleSupplier random) {
    public static final double JITTER = 0.2;

    /** 1 s doubling to 30 s. */
    public static BackoffPolicy standard() {
        return new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Math::random);
    }

    public BackoffPolicy {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
    }

    /** The wait before retry number {@code failures} (1 after the first failure). */
    public Duration delay(int failures) {
        double doubled = initial.toNanos() * Math.pow(2, Math.max(0, failures - 1)); // Infinity is fine: capped
        double capped = Math.min(max.toNanos(), doubled);
        return Duration.ofNanos((long) (capped * (1 - JITTER * random.getAsDouble())));
    }
}
