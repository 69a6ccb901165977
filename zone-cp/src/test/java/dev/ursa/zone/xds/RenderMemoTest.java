package dev.ursa.zone.xds;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RenderMemoTest {
    @Test
    void computesOnceStaysBoundedAndReportsHitsAndEvictions() {
        var meters = new SimpleMeterRegistry();
        RenderMemo<Integer, String> memo = RenderMemo.bounded("test", 100, meters);
        AtomicInteger computed = new AtomicInteger();
        assertThat(memo.get(1, k -> "v" + computed.incrementAndGet())).isEqualTo("v1");
        assertThat(memo.get(1, k -> "v" + computed.incrementAndGet())).isEqualTo("v1");
        assertThat(computed).hasValue(1);

        for (int i = 0; i < 1_000; i++) memo.get(i, k -> "x");
        assertThat(memo.size()).as("bounded, not cleared all at once").isBetween(1L, 100L);

        assertThat(meters.get("cache.gets").tag("cache", "ursa_xds_test").tag("result", "hit").functionCounter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("cache.evictions").tag("cache", "ursa_xds_test").functionCounter().count()).isPositive();
    }

    @Test
    void aFailedComputationIsNotMemoised() {
        RenderMemo<String, String> memo = RenderMemo.bounded("failing", 10, new SimpleMeterRegistry());
        assertThatThrownBy(() -> memo.get("k", k -> {
            throw new IllegalStateException("render failed");
        })).hasMessage("render failed");
        assertThat(memo.get("k", k -> "fixed")).isEqualTo("fixed");
    }
}
