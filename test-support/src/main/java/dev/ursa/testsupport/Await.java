package dev.ursa.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waits for a condition with a deadline instead of sleeping a fixed time: the condition decides, the 5 ms poll interval
 * only paces it. A condition may throw while the state it checks is not there yet (a call failing while config
 * propagates, or a REST Assured status expectation failing): that counts as "not yet", and the last such error
 * is named in the failure and kept as its cause.
 * Runs on the calling thread; no state.
 */
public final class Await {
    private static final long POLL_MILLIS = 5;

    private Await() {
    }

    /** A check that may throw while what it checks is not there yet. */
    @FunctionalInterface
    public interface Condition {
        boolean test() throws Exception;
    }

    /**
     * Polls {@code condition} until it is true and returns the time that took; fails with {@code what} (and the last
     * error the condition threw) once {@code deadline} has passed.
     */
    public static Duration until(String what, Duration deadline, Condition condition) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        Throwable last = null;
        while (true) {
            try {
                if (condition.test()) return Duration.ofNanos(System.nanoTime() - start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            } catch (Exception | AssertionError e) {
                last = e; // not yet: also a REST Assured expectation (a 404 before the resource has propagated)
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + deadline + " waiting for " + what
                        + (last == null ? "" : "; last error: " + last), last);
            }
            pause(what);
        }
    }

    /** Polls {@code supplier} until it returns something other than null, and returns that. */
    public static <T> T value(String what, Duration deadline, Callable<T> supplier) {
        Object[] box = new Object[1];
        until(what, deadline, () -> (box[0] = supplier.call()) != null);
        @SuppressWarnings("unchecked") T t = (T) box[0];
        return t;
    }

    /**
     * Asserts {@code condition} holds for the whole {@code window}: for a thing that must NOT happen, where no positive
     * signal exists. Choose the window many times longer than the delay the thing would come after.
     */
    public static void holds(String what, Duration window, Condition condition) {
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() - end < 0) {
            boolean ok;
            try {
                ok = condition.test();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted checking " + what, e);
            } catch (Exception e) {
                throw new AssertionError("failed within " + window + ": " + what + ": " + e, e);
            }
            if (!ok) throw new AssertionError("no longer true within " + window + ": " + what);
            pause(what);
        }
    }

    private static void pause(String what) {
        try {
            Thread.sleep(POLL_MILLIS); // polling interval, not synchronisation: the condition decides
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        }
    }
}
