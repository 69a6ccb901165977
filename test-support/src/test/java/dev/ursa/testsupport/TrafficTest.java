package dev.ursa.testsupport;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrafficTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void recordsWhoAnsweredAndHowCallsFailed() throws Exception {
        try (EchoBackend a = new EchoBackend("a")) {
            ManagedChannel toA = NettyChannelBuilder.forAddress("127.0.0.1", a.port()).usePlaintext().build();
            try (Traffic t = new Traffic(toA)) {
                long start = System.nanoTime();
                Duration first = t.awaitRun("10 calls answered by a", start, 10, WAIT, "a"::equals);
                assertThat(first.isNegative()).isFalse();
                assertThat(t.since(start)).hasSizeGreaterThanOrEqualTo(10).allMatch(o -> "a".equals(o.answer()));
                assertThatThrownBy(() -> t.awaitRun("calls answered by b", start, 1, Duration.ofMillis(200), "b"::equals))
                        .hasMessageContaining("calls answered by b");

                a.failEvery(2);
                long failing = System.nanoTime();
                t.awaitCalls(10, WAIT);
                assertThat(t.failuresSince(failing)).isPositive();
                assertThat(t.errorsSince(failing)).hasSizeBetween(1, 5).allMatch(e -> e.startsWith("UNAVAILABLE: a fails call"));
                assertThatThrownBy(() -> t.awaitShare("20 successful calls in a row", failing, 20, 1.0, 1.0, Duration.ofMillis(300), "a"::equals))
                        .as("every other call fails").isInstanceOf(AssertionError.class);

                a.failEvery(0);
                t.awaitShare("all calls answered by a again", System.nanoTime(), 20, 1.0, 1.0, WAIT, "a"::equals);
            } finally {
                toA.shutdownNow();
            }
        }
    }

    @Test
    void pausedTrafficLeavesThePauseBetweenCalls() throws Exception {
        try (EchoBackend a = new EchoBackend("a")) {
            ManagedChannel toA = NettyChannelBuilder.forAddress("127.0.0.1", a.port()).usePlaintext().build();
            try (Traffic t = new Traffic(toA, Duration.ofMillis(200))) {
                long start = System.nanoTime();
                t.awaitCalls(4, WAIT);
                var calls = t.since(start);
                for (int i = 1; i < calls.size(); i++) {
                    assertThat(Duration.ofNanos(calls.get(i).nanos() - calls.get(i - 1).nanos())).isGreaterThanOrEqualTo(Duration.ofMillis(200));
                }
                assertThat(calls).allMatch(o -> "a".equals(o.answer()));
            } finally {
                toA.shutdownNow();
            }
        }
    }
}
