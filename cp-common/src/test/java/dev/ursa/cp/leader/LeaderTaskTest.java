package dev.ursa.cp.leader;

import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderTaskTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * A leadership that tells a new subscriber the state on a thread of its own, as Postgres' does, and returns from
     * subscribe only once that delivery has begun: the order in which a zone CP's KDS client deadlocked.
     */
    static final class ThreadedLeadership implements Leadership, AutoCloseable {
        private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory());
        final CountDownLatch delivering = new CountDownLatch(1);

        @Override
        public String instanceId() {
            return "test";
        }

        @Override
        public State state() {
            return new State(true, 1);
        }

        @Override
        public AutoCloseable subscribe(Consumer<State> listener) {
            thread.execute(() -> listener.accept(state()));
            try {
                delivering.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return () -> { };
        }

        @Override
        public Set<String> liveReplicas() {
            return Set.of("test");
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    @Test
    void startMayTakeALockTheCallerHoldsWhileTheFirstTransitionArrivesOnTheLeadershipsThread() throws Exception {
        Object callersLock = new Object();
        AtomicReference<LeaderTask> task = new AtomicReference<>();
        try (ThreadedLeadership leadership = new ThreadedLeadership()) {
            Thread caller = Thread.ofPlatform().daemon().start(() -> {
                synchronized (callersLock) { // as KdsClientService.startClient: run() under the service's lock
                    task.set(LeaderTask.run(leadership, "test work", term -> {
                        leadership.delivering.countDown();
                        synchronized (callersLock) { // as startStreams: synchronized on the service
                            return () -> { };
                        }
                    }));
                }
            });
            Await.until("run returned", WAIT, () -> !caller.isAlive());
            Await.until("the work started", WAIT, () -> task.get().running());
            task.get().close();
            assertThat(task.get().running()).isFalse();
        }
    }
}
