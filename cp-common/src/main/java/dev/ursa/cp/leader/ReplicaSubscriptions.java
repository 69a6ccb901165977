package dev.ursa.cp.leader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Insight subscription lists (Kuma's {@code subscriptions}: one per stream, the newest last) written by several replicas
 * of a control plane: each subscription names the replica that holds its stream in {@code instanceField}
 * ({@code globalInstanceId} in a ZoneInsight, {@code controlPlaneInstanceId} in a DataplaneInsight). A replica that
 * stops leaves its open subscriptions behind; the leader closes them ({@link #closeOrphans}). Pure functions over JSON
 * values; callers pass copies.
 */
public final class ReplicaSubscriptions {
    public static final String DISCONNECT_TIME = "disconnectTime";

    private ReplicaSubscriptions() {
    }

    /**
     * The list with every open subscription of a replica not in {@code live} closed at {@code now} (its replica stopped:
     * nobody else would ever close it); empty when nothing changed. The reason names the replica as a {@code role}
     * replica ("global", "zone CP").
     */
    public static Optional<List<JsonNode>> closeOrphans(List<JsonNode> stored, String instanceField, String role, Set<String> live,
                                                        Instant now) {
        boolean changed = false;
        List<JsonNode> fixed = new ArrayList<>();
        for (JsonNode s : stored) {
            String holder = s.path(instanceField).asText(null);
            if (s instanceof ObjectNode o && !o.has(DISCONNECT_TIME) && (holder == null || !live.contains(holder))) {
                ObjectNode closed = o.deepCopy();
                closed.put(DISCONNECT_TIME, now.toString());
                closed.put("disconnectReason", role + " replica " + holder + " stopped (no heartbeat)");
                fixed.add(closed);
                changed = true;
            } else {
                fixed.add(s);
            }
        }
        return changed ? Optional.of(fixed) : Optional.empty();
    }

    /** The replicas other than {@code self} that hold an open subscription in the list. */
    public static Set<String> openElsewhere(List<JsonNode> stored, String instanceField, String self) {
        if (stored == null) return Set.of();
        return stored.stream()
                .filter(s -> !s.has(DISCONNECT_TIME))
                .map(s -> s.path(instanceField).asText(""))
                .filter(holder -> !holder.isEmpty() && !holder.equals(self))
                .collect(Collectors.toUnmodifiableSet());
    }
}
