package dev.ursa.testsupport;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwaitTest {
    static final Duration SHORT = Duration.ofMillis(100);

    @Test
    void untilReturnsOnceTheConditionHoldsAndTreatsAThrowAsNotYet() {
        AtomicInteger polls = new AtomicInteger();
        Duration took = Await.until("the third poll", Duration.ofSeconds(5), () -> {
            if (polls.incrementAndGet() < 3) throw new IllegalStateException("not yet");
            return true;
        });
        assertThat(polls).hasValue(3);
        assertThat(took).isPositive();
    }

    @Test
    void untilFailsAtTheDeadlineNamingWhatAndTheLastError() {
        AtomicInteger polls = new AtomicInteger();
        assertThatThrownBy(() -> Await.until("the answer", SHORT, () -> {
            throw new IllegalStateException("refused " + polls.incrementAndGet());
        })).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("timed out after PT0.1S waiting for the answer; last error: java.lang.IllegalStateException: refused")
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("refused " + polls.get());
        assertThat(polls.get()).as("polled until the deadline").isGreaterThan(1);
    }

    @Test
    void untilTreatsAFailedExpectationAsNotYet() {
        // REST Assured's "expected 200 but was 404" is an AssertionError: a resource that has not propagated yet
        AtomicInteger polls = new AtomicInteger();
        Await.until("a 200", Duration.ofSeconds(5), () -> {
            if (polls.incrementAndGet() < 3) throw new AssertionError("Expected status code <200> but was <404>.");
            return true;
        });
        assertThat(polls).hasValue(3);
    }

    @Test
    void valueReturnsTheFirstNonNullResult() {
        AtomicInteger polls = new AtomicInteger();
        String v = Await.value("a value", Duration.ofSeconds(5), () -> polls.incrementAndGet() < 3 ? null : "v" + polls.get());
        assertThat(v).isEqualTo("v3");
        assertThatThrownBy(() -> Await.value("nothing", SHORT, () -> null)).hasMessageContaining("waiting for nothing");
    }

    @Test
    void holdsChecksAllAlongTheWindowAndFailsOnTheFirstFalse() {
        AtomicInteger polls = new AtomicInteger();
        Await.holds("always true", SHORT, () -> polls.incrementAndGet() > 0);
        assertThat(polls.get()).as("checked repeatedly over the window").isGreaterThan(1);

        AtomicInteger later = new AtomicInteger();
        assertThatThrownBy(() -> Await.holds("true twice", Duration.ofSeconds(5), () -> later.incrementAndGet() <= 2))
                .isInstanceOf(AssertionError.class).hasMessage("no longer true within PT5S: true twice");
        assertThat(later).hasValue(3);
        assertThatThrownBy(() -> Await.holds("no throw", SHORT, () -> {
            throw new IllegalStateException("boom");
        })).hasMessageContaining("no throw").hasCauseInstanceOf(IllegalStateException.class);
    }
}
