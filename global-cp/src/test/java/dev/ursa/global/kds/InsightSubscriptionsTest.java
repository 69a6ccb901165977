package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How replicas share a zone insight's subscription list. */
class InsightSubscriptionsTest {
    private static ObjectNode sub(String id, String instance, boolean open) {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("id", id).put("globalInstanceId", instance);
        if (!open) n.put("disconnectTime", "2026-01-01T00:00:00Z");
        return n;
    }

    private static List<String> ids(List<JsonNode> subs) {
        return subs.stream().map(s -> s.path("id").asText()).toList();
    }

    @Test
    void aReplicaReplacesItsOwnSubscriptionsInPlaceAppendsNewOnesAndKeepsTheOthers() {
        List<JsonNode> stored = List.of(sub("a-1", "a", false), sub("b-1", "b", true), sub("a-2", "a", true));
        ObjectNode a2Closed = sub("a-2", "a", false);
        List<JsonNode> merged = InsightSubscriptions.merge(stored, List.of(a2Closed, sub("a-3", "a", true)), Set.of("a-2"), 5);
        assertThat(ids(merged)).containsExactly("a-1", "b-1", "a-2", "a-3");
        assertThat(merged.get(2).has("disconnectTime")).isTrue();
        assertThat(merged.get(1)).isEqualTo(sub("b-1", "b", true));
    }

    @Test
    void aSubscriptionDroppedAsOldIsNotWrittenBackAndOnlyTheLastAreKept() {
        List<JsonNode> stored = List.of(sub("b-1", "b", false), sub("b-2", "b", true));
        // a-1 was written before and another replica's write dropped it as old: it must not come back as the newest.
        List<JsonNode> merged = InsightSubscriptions.merge(stored, List.of(sub("a-1", "a", true)), Set.of("a-1"), 5);
        assertThat(ids(merged)).containsExactly("b-1", "b-2");
        List<JsonNode> trimmed = InsightSubscriptions.merge(stored, List.of(sub("a-9", "a", true)), Set.of(), 2);
        assertThat(ids(trimmed)).containsExactly("b-2", "a-9");
    }

    @Test
    void onlyANewerOpenSubscriptionOfAnotherReplicaDisplacesThisReplicasOpenOnes() {
        assertThat(InsightSubscriptions.displaced(List.of(sub("a-1", "a", true), sub("a-2", "a", false), sub("b-1", "b", true)), "a"))
                .containsExactly("a-1");
        assertThat(InsightSubscriptions.displaced(List.of(sub("b-1", "b", true), sub("a-1", "a", true)), "a")).isEmpty();
        assertThat(InsightSubscriptions.displaced(List.of(sub("a-1", "a", true), sub("b-1", "b", false)), "a")).isEmpty();
        assertThat(InsightSubscriptions.displaced(List.of(), "a")).isEmpty();
    }

    @Test
    void openSubscriptionsOfReplicasNotLiveAreClosedAndNothingElseChanges() {
        Instant now = Instant.parse("2026-02-02T10:00:00Z");
        List<JsonNode> stored = List.of(sub("a-1", "a", true), sub("dead-1", "dead", false), sub("dead-2", "dead", true));
        List<JsonNode> fixed = InsightSubscriptions.closeOrphans(stored, Set.of("a"), now).orElseThrow();
        assertThat(fixed.get(0)).isEqualTo(stored.get(0));
        assertThat(fixed.get(1)).isEqualTo(stored.get(1));
        assertThat(fixed.get(2).path("disconnectTime").asText()).isEqualTo(now.toString());
        assertThat(fixed.get(2).path("disconnectReason").asText()).isEqualTo("global replica dead stopped (no heartbeat)");
        assertThat(InsightSubscriptions.closeOrphans(stored, Set.of("a", "dead"), now)).isEmpty();
    }
}
