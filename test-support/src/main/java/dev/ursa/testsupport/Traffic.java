package dev.ursa.testsupport;

import io.grpc.Channel;
import io.grpc.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Calls an {@link EchoBackend} channel back to back and records every outcome (who answered, or how the call failed),
 * so a test can ask when traffic moved and how many calls failed meanwhile. The calls run on one platform thread of
 * its own (the common pool has a single worker on a 2-core machine); the outcome list is guarded by its own lock.
 */
public final class Traffic implements AutoCloseable {
    /** The deadline of each call. */
    public static final long CALL_TIMEOUT_MS = 2000;

    /** One call: {@code answer} is the backend's name, null when the call failed ({@code error} says how). */
    public record Outcome(long nanos, String answer, String error) {
    }

    private final List<Outcome> outcomes = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread loop;

    public Traffic(Channel channel) {
        this(channel, Duration.ZERO);
    }

    /**
     * Calls with {@code pause} between a call's end and the next one's start: a long run (minutes, several clients) that
     * must not take a core of a shared machine.
     */
    public Traffic(Channel channel, Duration pause) {
        loop = Thread.ofPlatform().name("traffic").daemon().start(() -> {
            while (running.get()) {
                String answer = null;
                String error = null;
                try {
                    answer = EchoBackend.call(channel, "hi", CALL_TIMEOUT_MS);
                } catch (RuntimeException e) {
                    Status s = Status.fromThrowable(e);
                    error = s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
                }
                synchronized (outcomes) {
                    outcomes.add(new Outcome(System.nanoTime(), answer, error));
                }
                if (!pause.isZero() && !pauseFor(pause)) return;
            }
        });
    }

    private static boolean pauseFor(Duration pause) {
        try {
            Thread.sleep(pause); // the traffic's pace, not a wait for a state
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The calls that ended at or after {@code nanos} ({@link System#nanoTime()}). */
    public List<Outcome> since(long nanos) {
        synchronized (outcomes) {
            return outcomes.stream().filter(o -> o.nanos() >= nanos).toList();
        }
    }

    public long failuresSince(long nanos) {
        return since(nanos).stream().filter(o -> o.answer() == null).count();
    }

    /** How the first calls since {@code nanos} failed (at most 5: for failure messages). */
    public List<String> errorsSince(long nanos) {
        return since(nanos).stream().filter(o -> o.answer() == null).map(Outcome::error).limit(5).toList();
    }

    /**
     * Waits until {@code run} calls in a row after {@code from} were answered by a backend {@code who} accepts, and
     * returns the time from {@code from} to the first call of that run.
     */
    public Duration awaitRun(String what, long from, int run, Duration deadline, Predicate<String> who) {
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

    /**
     * Waits until the last {@code window} calls after {@code from} all succeeded and the share of them answered by a
     * backend {@code who} accepts is within [{@code min}, {@code max}]; returns the time from {@code from} to then
     * (an upper bound on when the new split took effect: it includes the window's own calls).
     */
    public Duration awaitShare(String what, long from, int window, double min, double max, Duration deadline, Predicate<String> who) {
        Await.until(what, deadline, () -> {
            List<Outcome> all = since(from);
            if (all.size() < window) return false;
            List<Outcome> last = all.subList(all.size() - window, all.size());
            if (last.stream().anyMatch(o -> o.answer() == null)) return false;
            double share = (double) last.stream().filter(o -> who.test(o.answer())).count() / window;
            return share >= min && share <= max;
        });
        return Duration.ofNanos(System.nanoTime() - from);
    }

    /** Waits for {@code n} more calls. */
    public void awaitCalls(int n, Duration deadline) {
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
    public void close() throws InterruptedException {
        running.set(false);
        if (!loop.join(Duration.ofSeconds(10))) throw new IllegalStateException("traffic loop did not stop");
    }
}
