package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.cp.leader.ReplicaSubscriptions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a ZoneInsight's subscription list when several global replicas write it. Each replica owns the
 * subscriptions it stamped with its {@code globalInstanceId} and merges them into what is stored (If-Match, so no
 * replica's write erases another's). The list is in commit order of the connects: a new subscription is appended by the
 * write that records it, so the last one is the zone's newest stream, and the zone is online while it is open. Pure
 * functions over JSON values; callers pass copies.
 */
final class InsightSubscriptions {
    static final String INSTANCE = "globalInstanceId";
    static final String DISCONNECT_TIME = ReplicaSubscriptions.DISCONNECT_TIME;

    private InsightSubscriptions() {
    }

    /**
     * The stored list with this replica's subscriptions put in: each replaces its stored copy in place, and those never
     * written before are appended (one written before and gone from the list was dropped as old, and stays dropped).
     * Only the last {@code keep} are kept.
     */
    static List<JsonNode> merge(List<JsonNode> stored, List<ObjectNode> mine, Set<String> written, int keep) {
        List<JsonNode> merged = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        for (JsonNode s : stored) {
            ObjectNode own = byId(mine, s.path("id").asText(null));
            merged.add(own != null ? own : s);
            if (own != null) placed.add(own.path("id").asText());
        }
        for (ObjectNode m : mine) {
            String id = m.path("id").asText();
            if (!placed.contains(id) && !written.contains(id)) merged.add(m);
        }
        return merged.size() <= keep ? merged : new ArrayList<>(merged.subList(merged.size() - keep, merged.size()));
    }

    /**
     * This replica's open subscriptions that a newer stream of the zone on another replica displaced: the last
     * subscription is open and another replica's. Their streams must close (the newer connection wins).
     */
    static List<String> displaced(List<JsonNode> stored, String instanceId) {
        if (stored.isEmpty()) return List.of();
        JsonNode last = stored.getLast();
        if (last.has(DISCONNECT_TIME) || instanceId.equals(last.path(INSTANCE).asText(null))) return List.of();
        return stored.stream()
                .filter(s -> instanceId.equals(s.path(INSTANCE).asText(null)) && !s.has(DISCONNECT_TIME))
                .map(s -> s.path("id").asText())
                .toList();
    }

    /**
     * The list with every open subscription of a replica not in {@code live} closed at {@code now} (its replica stopped:
     * nobody else would ever close it); empty when nothing changed.
     */
    static Optional<List<JsonNode>> closeOrphans(List<JsonNode> stored, Set<String> live, Instant now) {
        return ReplicaSubscriptions.closeOrphans(stored, INSTANCE, "global", live, now);
    }

    private static ObjectNode byId(List<ObjectNode> mine, String id) {
        if (id == null) return null;
        for (ObjectNode m : mine) if (id.equals(m.path("id").asText())) return m;
        return null;
    }
}
