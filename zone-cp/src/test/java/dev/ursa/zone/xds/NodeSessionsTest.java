package dev.ursa.zone.xds;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Streams to nodes and grace removal, as dataplanes and ingresses use them. */
class NodeSessionsTest {
    static final Duration WAIT = Duration.ofSeconds(5);

    final SerialWorker worker = new SerialWorker("test-sessions");
    /** Removed nodes with the state they had (a marker for "none"). */
    final Map<String, Object> removed = new ConcurrentHashMap<>();
    final List<Integer> streamCounts = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        worker.close();
    }

    NodeSessions<String, StringBuilder> sessions(Duration grace) {
        return new NodeSessions<>(worker, grace, (key, node) -> removed.put(key, node == null ? "none" : node));
    }

    void open(NodeSessions<String, StringBuilder> s, long stream, String key) {
        s.open(stream, key, k -> new StringBuilder(k), (node, streams) -> streamCounts.add(streams));
    }

    @Test
    void aNodeGoesAGracePeriodAfterItsLastStreamClosedNotBefore() {
        NodeSessions<String, StringBuilder> s = sessions(Duration.ofMillis(200));
        open(s, 1, "a");
        open(s, 2, "a");
        assertThat(s.nodeOf(2)).isEqualTo("a");
        assertThat(worker.call(() -> s.streams("a"))).isEqualTo(2);
        assertThat(streamCounts).containsExactly(1, 2);

        s.close(1);
        assertThat(worker.call(s::pendingRemovals)).as("one stream left: nothing scheduled").isEmpty();
        assertThat(s.nodes()).containsExactly("a");

        s.close(2);
        assertThat(worker.call(s::pendingRemovals)).as("last stream closed: removal scheduled").containsExactly("a");
        assertThat(s.nodes()).as("kept through the grace period").containsExactly("a");
        Await.until("a removed after the grace period", WAIT, () -> removed.containsKey("a"));
        assertThat(removed.get("a")).as("with the state it had").hasToString("a");
        assertThat(s.nodes()).isEmpty();
        assertThat(worker.call(s::pendingRemovals)).isEmpty();
        assertThat(s.nodeOf(2)).isNull();
    }

    @Test
    void aStreamWithinTheGracePeriodKeepsTheNodeAndItsState() {
        NodeSessions<String, StringBuilder> s = sessions(Duration.ofHours(1));
        open(s, 1, "b");
        StringBuilder first = worker.call(() -> s.get("b"));
        s.close(1);
        assertThat(worker.call(s::pendingRemovals)).containsExactly("b");

        open(s, 2, "b");
        assertThat(worker.call(s::pendingRemovals)).as("the reconnect cancelled the removal").isEmpty();
        assertThat(worker.call(() -> s.get("b"))).as("same state, not a new one").isSameAs(first);
        assertThat(streamCounts).containsExactly(1, 1);
        assertThat(s.connected()).isEqualTo(1);

        // The removal path is live: closing again schedules it again.
        s.close(2);
        assertThat(worker.call(s::pendingRemovals)).containsExactly("b");
        assertThat(s.connected()).isZero();
        assertThat(removed).isEmpty();
    }

    @Test
    void aRemovalCanBeScheduledForANodeThatNeverConnected() {
        NodeSessions<String, StringBuilder> s = sessions(Duration.ofMillis(50));
        worker.execute(() -> s.scheduleRemoval("left-by-a-previous-run"));
        Await.until("removed", WAIT, () -> removed.containsKey("left-by-a-previous-run"));
        assertThat(removed.get("left-by-a-previous-run")).isEqualTo("none");
    }

    @Test
    void aNodeThatConnectsBeforeItsScheduledRemovalRunsStays() {
        NodeSessions<String, StringBuilder> s = sessions(Duration.ofHours(1));
        worker.execute(() -> s.scheduleRemoval("c"));
        open(s, 7, "c");
        assertThat(worker.call(s::pendingRemovals)).isEmpty();
        assertThat(s.nodes()).containsExactly("c");
    }
}
