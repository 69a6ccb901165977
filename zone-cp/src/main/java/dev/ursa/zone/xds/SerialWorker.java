package dev.ursa.zone.xds;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that owns some state: its tasks run one at a time, in the order handed over, so the state they
 * touch needs no lock. Other threads hand work over ({@link #execute}, {@link #schedule}) or wait, with a bound, for a
 * result ({@link #call}); waits unwrap the cause, so callers see the real exception.
 *
 * <p>Threads: any thread may hand over work; the tasks themselves run only on this worker's thread.
 */
public final class SerialWorker implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 30;

    private final ScheduledExecutorService executor;

    public SerialWorker(String threadName) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    public void execute(Runnable task) {
        executor.execute(task);
    }

    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} on this worker and waits for its result (never call it from the worker itself). */
    public <T> T call(Callable<T> task) {
        try {
            return executor.submit(task).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A task's wait for a store call it cannot go on without; bounded like {@link #call}. */
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

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
