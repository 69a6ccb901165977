package dev.ursa.cp.leader;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * One piece of singleton work run while this replica leads: started at each gain of leadership (with the new term),
 * closed at its loss. Transitions arrive on the leadership's thread, so starting must not block (hand work to a
 * thread of the task's own); {@code start} may take a lock the caller of {@link #run} holds. Thread-safe.
 */
public final class LeaderTask implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaderTask.class);

    private final String what;
    private final LongFunction<AutoCloseable> start;
    private AutoCloseable running;
    private long runningTerm;
    /** Set by {@link #run} without the task's lock (see there). */
    private volatile AutoCloseable subscription;
    private boolean closed;

    private LeaderTask(String what, LongFunction<AutoCloseable> start) {
        this.what = what;
        this.start = start;
    }

    /** @param start starts the work for a term and returns what stops it */
    public static LeaderTask run(Leadership leadership, String what, LongFunction<AutoCloseable> start) {
        LeaderTask task = new LeaderTask(what, start);
        // Not under the task's lock: the first transition may already run on the leadership's thread, holding that
        // lock while {@code start} waits for a lock the caller holds here (a zone CP's KDS client froze so for good).
        task.subscription = leadership.subscribe(task::onTransition);
        return task;
    }

    /**
     * Runs {@code round} with the term at once and then every {@code period} while this replica leads, on a thread of
     * the task's own ({@code ursa-<what>}); a round that throws is logged and the next one runs as planned.
     */
    public static LeaderTask periodic(Leadership leadership, String what, Duration period, LongConsumer round) {
        return run(leadership, what, term -> {
            ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("ursa-" + what.replace(' ', '-')).factory());
            thread.scheduleWithFixedDelay(() -> {
                try {
                    round.accept(term);
                } catch (RuntimeException e) {
                    LOG.warnf("%s: this round failed (%s); the next one runs in %s", what, e.getMessage(), period);
                }
            }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
            return thread::shutdownNow;
        });
    }

    /** Whether the work runs here now (tests, diagnostics). */
    public synchronized boolean running() {
        return running != null;
    }

    private synchronized void onTransition(Leadership.State state) {
        if (closed) return;
        if (running != null && (!state.leader() || state.term() != runningTerm)) stopRunning();
        if (state.leader() && running == null) {
            try {
                running = start.apply(state.term());
                runningTerm = state.term();
                LOG.infof("%s: started on this replica (leader, term %d)", what, state.term());
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: could not start on this replica (leader, term %d)", what, state.term());
            }
        }
    }

    private void stopRunning() {
        try {
            running.close();
            LOG.infof("%s: stopped on this replica (no longer leader of term %d)", what, runningTerm);
        } catch (Exception e) {
            LOG.warnf("%s: stopping it failed: %s", what, e.getMessage());
        }
        running = null;
    }

    @Override
    public synchronized void close() throws Exception {
        closed = true;
        AutoCloseable s = subscription;
        if (s != null) s.close();
        if (running != null) stopRunning();
    }
}
