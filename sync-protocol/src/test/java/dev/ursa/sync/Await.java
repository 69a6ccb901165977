package dev.ursa.sync;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or the deadline passes (then fails with a description). */
public final class Await {
    private Await() {
    }

    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    public static <T> T value(Duration timeout, String what, Supplier<T> supplier) {
        Object[] box = new Object[1];
        until(timeout, what, () -> (box[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked") T t = (T) box[0];
        return t;
    }
}
