package dev.ursa.zone.xds;

import io.grpc.Channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Calls a channel back to back on its own thread and records every outcome (who answered, or a failure), so a test can
 * ask when traffic moved and how many calls failed meanwhile.
 */
final class Traffic implements AutoCloseable {
    /** One call: {@code answer} is the backend's name, null when the call failed ({@code error} says how). */
    record Outcome(long nanos, String answer, String error) {
    }

    private final List<Outcome> outcomes = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CompletableFuture<Void> loop;

    Traffic(Channel channel) {
        loop = CompletableFuture.runAsync(() -> {
            while (running.get()) {
                String answer = null;
                String error = null;
                try {
                    answer = TestBackend.call(channel, "hi", 2000);
                } catch (RuntimeException e) {
                    error = io.grpc.Status.fromThrowable(e).toString();
                }
                synchronized (outcomes) {
                    outcomes.add(new Outcome(System.nanoTime(), answer, error));
                }
            }
        });
    }

    List<Outcome> since(long nanos) {
        synchronized (outcomes) {
            return outcomes.stream().filter(o -> o.nanos() >= nanos).toList();
        }
    }

    long failuresSince(long nanos) {
        return since(nanos).stream().filter(o -> o.answer() == null).count();
    }

    /** How the calls since {@code nanos} failed. */
    List<String> errorsSince(long nanos) {
        return since(nanos).stream().filter(o -> o.answer() == null).map(Outcome::error).toList();
    }

    /**
     * Waits until {@code run} calls in a row after {@code from} were answered by a backend {@code who} accepts, and
     * returns the time from {@code from} to the first call of that run.
     */
    Duration awaitRun(String what, long from, int run, Duration deadline, Predicate<String> who) {
        long[] firstOfRun = new long[1];
        Await.until(what, deadline, () -> {
            List<Outcome> all = since(from);
            int streak = 0;
            for (int i = all.size() - 1; i >= 0; i--) {
                Outcome o = all.get(i);
                if (o.answer() == null || !who.test(o.answer())) break;
                streak++;
                firstOfRun[0] = o.nanos();
            }
            return streak >= run;
        });
        return Duration.ofNanos(firstOfRun[0] - from);
    }

    /** Waits for {@code n} more calls. */
    void awaitCalls(int n, Duration deadline) {
        int start;
        synchronized (outcomes) {
            start = outcomes.size();
        }
        Await.until(n + " more calls", deadline, () -> {
            synchronized (outcomes) {
                return outcomes.size() >= start + n;
            }
        });
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        loop.get(10, TimeUnit.SECONDS);
    }
}
