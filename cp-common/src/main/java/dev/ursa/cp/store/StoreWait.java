package dev.ursa.cp.store;

import dev.ursa.mesh.store.StoreException;
import org.jboss.logging.Logger;

import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A start-up step that needs the store, retried while the store cannot answer: a control plane starts (not ready)
 * before its database and finishes starting when the database is back. The one backoff loop of such steps.
 */
public final class StoreWait {
    private static final Logger LOG = Logger.getLogger(StoreWait.class);
    private static final long FIRST_PAUSE_MS = 200;
    private static final long MAX_PAUSE_MS = 5000;

    /** One attempt at the step. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    private StoreWait() {
    }

    /**
     * Runs {@code attempt} until it succeeds (true). A {@link StoreException}, or an exception {@code alsoRetry} accepts,
     * is logged as "{@code <what>} waits for the store" and retried after a pause growing from 200 ms to 5 s; any other
     * exception is thrown. Returns false when {@code stopping} turns true or the thread is interrupted first. Blocks:
     * call it on the step's own background thread.
     */
    public static boolean untilDone(String what, BooleanSupplier stopping, Predicate<Exception> alsoRetry, Attempt attempt) throws Exception {
        long pause = FIRST_PAUSE_MS;
        while (!stopping.getAsBoolean()) {
            try {
                attempt.run();
                return true;
            } catch (Exception e) {
                if (!(e instanceof StoreException) && !alsoRetry.test(e)) throw e;
                LOG.warnf("%s waits for the store: %s (retrying in %d ms)", what, e.getMessage(), pause);
                try {
                    Thread.sleep(pause); // retry backoff, not synchronisation
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                pause = Math.min(pause * 2, MAX_PAUSE_MS);
            }
        }
        return false;
    }

    /** As above, retrying store errors only. */
    public static boolean untilDone(String what, BooleanSupplier stopping, Attempt attempt) throws Exception {
        return untilDone(what, stopping, e -> false, attempt);
    }
}
