package dev.ursa.zone.xds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * Turns a burst of changes into one batch: the first item of a batch schedules one flush {@code delay} later on the
 * worker, and every item added until that flush runs joins the same batch (one recompute, one push per burst).
 *
 * <p>Threads: {@link #add} from any thread (the pending list is guarded by its own lock); the batch is handed over on
 * the worker's thread only.
 */
public final class Debouncer<T> {
    private final SerialWorker worker;
    private final Duration delay;
    private final Consumer<List<T>> flush;
    private final List<T> pending = new ArrayList<>();
    private ScheduledFuture<?> scheduled;

    /** {@code flush} runs on {@code worker} with the items in the order they were added. */
    public Debouncer(SerialWorker worker, Duration delay, Consumer<List<T>> flush) {
        this.worker = worker;
        this.delay = delay;
        this.flush = flush;
    }

    public void add(T item) {
        synchronized (pending) {
            pending.add(item);
            if (scheduled == null) scheduled = worker.schedule(this::flush, delay);
        }
    }

    private void flush() {
        List<T> batch;
        synchronized (pending) {
            batch = List.copyOf(pending);
            pending.clear();
            scheduled = null;
        }
        if (!batch.isEmpty()) flush.accept(batch);
    }
}
