package dev.ursa.zone.xds;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline (no fixed sleeps). */
public final class Await {
    private Await() {
    }

    /** Returns the time it took; fails with {@code what} when the deadline passes. */
    public static Duration until(String what, Duration deadline, BooleanSupplier condition) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) return Duration.ofNanos(System.nanoTime() - start);
            } catch (RuntimeException e) {
                last = e; // not yet: e.g. a call failing while config propagates
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting for " + what + (last == null ? "" : "; last error: " + last), last);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5); // polling interval, not synchronisation: the condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Asserts {@code condition} holds for the whole {@code window}: for a thing that must NOT happen, where no positive
     * signal exists. The window is chosen many times longer than the delay the thing would come after.
     */
    public static void holds(String what, Duration window, BooleanSupplier condition) {
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            if (!condition.getAsBoolean()) throw new AssertionError("no longer true within " + window + ": " + what);
            try {
                Thread.sleep(5); // polling interval: the condition is checked all along the window
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
