package dev.ursa.it;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition with a deadline (no fixed sleeps); the condition decides, the poll interval only paces it. */
public final class Await {
    private Await() {
    }

    /** Returns the time it took; fails with {@code what} (and the last exception the condition threw) at the deadline. */
    public static Duration until(String what, Duration deadline, Callable<Boolean> condition) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.call()) return Duration.ofNanos(System.nanoTime() - start);
            } catch (Exception e) {
                last = e; // not yet: e.g. a call failing while config propagates
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting for " + what + (last == null ? "" : "; last error: " + last), last);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
