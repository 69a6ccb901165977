package dev.ursa.cp.store;

import dev.ursa.mesh.store.StoreException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreWaitTest {
    @Test
    void aStepIsRetriedWhileTheStoreCannotAnswerThenDone() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        boolean done = StoreWait.untilDone("test", () -> false, () -> {
            if (attempts.incrementAndGet() < 3) throw new StoreException.Unavailable("database down", null);
        });
        assertThat(done).isTrue();
        assertThat(attempts).hasValue(3);
    }

    @Test
    void otherErrorsEndTheWaitUnlessTheCallerRetriesThem() throws Exception {
        assertThatThrownBy(() -> StoreWait.untilDone("test", () -> false, () -> {
            throw new IllegalArgumentException("a bug");
        })).isInstanceOf(IllegalArgumentException.class);
        AtomicInteger attempts = new AtomicInteger();
        assertThat(StoreWait.untilDone("test", () -> false, e -> e instanceof IllegalStateException, () -> {
            if (attempts.incrementAndGet() < 2) throw new IllegalStateException("not readable yet");
        })).isTrue();
        assertThat(attempts).hasValue(2);
    }

    @Test
    void stoppingEndsTheWaitWithoutSuccess() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        boolean done = StoreWait.untilDone("test", () -> attempts.get() >= 2, () -> {
            attempts.incrementAndGet();
            throw new StoreException.Unavailable("database down", null);
        });
        assertThat(done).isFalse();
        assertThat(attempts).hasValue(2);
    }
}
