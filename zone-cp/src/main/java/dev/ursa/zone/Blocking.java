package dev.ursa.zone;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Waiting, with a bound, for work that must finish before a caller goes on (zone CP worker threads, store calls);
 * unwraps the cause so callers see the real exception.
 */
public final class Blocking {
    private static final long TIMEOUT_SECONDS = 30;

    private Blocking() {
    }

    /** Runs {@code task} on {@code worker} (the single thread that owns some state) and waits for its result. */
    public static <T> T call(ExecutorService worker, Callable<T> task) {
        try {
            return worker.submit(task).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        return e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    }
}
