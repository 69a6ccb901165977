package dev.ursa.global.events;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventsDropOldestBufferTest {
    @Test
    void fullBufferDropsTheOldestAndKeepsOrder() throws Exception {
        DropOldestBuffer<Integer> buffer = new DropOldestBuffer<>(3);
        int dropped = 0;
        for (int i = 1; i <= 5; i++) dropped += buffer.offer(i);

        assertThat(dropped).isEqualTo(2);
        assertThat(buffer.size()).isEqualTo(3);
        List<Integer> out = new ArrayList<>();
        Integer next;
        while ((next = buffer.poll(Duration.ZERO)) != null) out.add(next);
        assertThat(out).containsExactly(3, 4, 5);
    }

    @Test
    void pollWaitsForAnOfferAndTimesOutWhenNoneComes() throws Exception {
        DropOldestBuffer<String> buffer = new DropOldestBuffer<>(2);
        assertThat(buffer.poll(Duration.ofMillis(50))).isNull();

        Thread.ofVirtual().start(() -> buffer.offer("late"));
        assertThat(buffer.poll(Duration.ofSeconds(10))).isEqualTo("late");
    }
}
