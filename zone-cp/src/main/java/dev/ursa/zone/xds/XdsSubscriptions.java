package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One dataplane's xDS streams as Kuma's DataplaneInsight {@code subscriptions} (one per stream, the newest last, at most
 * {@link #KEPT}): connect and disconnect time, the control plane instance that served it, responses sent, ACKed and
 * NACKed in total and per type ({@code cds}, {@code eds}, {@code lds}, {@code rds}, and Ursa's {@code sds}), and Ursa's
 * additions: per type the version last sent and last ACKed, and the last NACK (type, version, error, time).
 *
 * <p>Threads: touched only on the xDS worker (it belongs to a {@link DataplaneNode}).
 */
final class XdsSubscriptions {
    /** Kuma keeps the last few subscriptions so a reconnecting dataplane's history stays readable. */
    static final int KEPT = 5;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<Subscription> subscriptions = new ArrayList<>();

    private static final class Stats {
        long sent;
        long acked;
        long rejected;
        String lastSentVersion;
        String lastAckedVersion;

        ObjectNode json(boolean versions) {
            ObjectNode o = NODES.objectNode();
            o.put("responsesSent", sent);
            o.put("responsesAcknowledged", acked);
            o.put("responsesRejected", rejected);
            if (versions && lastSentVersion != null) o.put("lastSentVersion", lastSentVersion);
            if (versions && lastAckedVersion != null) o.put("lastAckedVersion", lastAckedVersion);
            return o;
        }
    }

    private record Nack(String type, String version, String error, Instant time) {
    }

    private static final class Subscription {
        final long streamId;
        final String id = UUID.randomUUID().toString();
        final Instant connectTime;
        Instant disconnectTime;
        Instant lastUpdateTime;
        final Stats total = new Stats();
        final Map<String, Stats> perType = new LinkedHashMap<>();
        Nack lastNack;

        Subscription(long streamId, Instant connectTime) {
            this.streamId = streamId;
            this.connectTime = connectTime;
        }

        Stats stats(String typeUrl) {
            String key = shortName(typeUrl);
            return key == null ? null : perType.computeIfAbsent(key, k -> new Stats());
        }
    }

    void opened(long streamId, Instant at) {
        subscriptions.add(new Subscription(streamId, at));
        while (subscriptions.size() > KEPT) subscriptions.removeFirst();
    }

    void closed(long streamId, Instant at) {
        Subscription s = find(streamId);
        if (s != null && s.disconnectTime == null) s.disconnectTime = at;
    }

    /** Every stream ends (the node is gone, or the zone CP stops). */
    void closeAll(Instant at) {
        for (Subscription s : subscriptions) {
            if (s.disconnectTime == null) s.disconnectTime = at;
        }
    }

    void sent(long streamId, String typeUrl, String version, Instant at) {
        Subscription s = find(streamId);
        if (s == null) return;
        s.lastUpdateTime = at;
        s.total.sent++;
        Stats t = s.stats(typeUrl);
        if (t != null) {
            t.sent++;
            t.lastSentVersion = version;
        }
    }

    void acked(long streamId, String typeUrl, String version, Instant at) {
        Subscription s = find(streamId);
        if (s == null) return;
        s.lastUpdateTime = at;
        s.total.acked++;
        Stats t = s.stats(typeUrl);
        if (t != null) {
            t.acked++;
            // Delta requests carry no version: the version ACKed is the one last sent.
            t.lastAckedVersion = version == null || version.isEmpty() ? t.lastSentVersion : version;
        }
    }

    void nacked(long streamId, String typeUrl, String keptVersion, String error, Instant at) {
        Subscription s = find(streamId);
        if (s == null) return;
        s.lastUpdateTime = at;
        s.total.rejected++;
        Stats t = s.stats(typeUrl);
        if (t != null) t.rejected++;
        String rejected = t == null ? null : t.lastSentVersion;
        s.lastNack = new Nack(typeUrl, rejected == null ? keptVersion : rejected, error, at);
    }

    /** Kuma's {@code subscriptions}, oldest first. */
    List<JsonNode> json(String controlPlaneInstanceId) {
        List<JsonNode> out = new ArrayList<>(subscriptions.size());
        for (Subscription s : subscriptions) {
            ObjectNode o = NODES.objectNode();
            o.put("id", s.id);
            o.put("controlPlaneInstanceId", controlPlaneInstanceId);
            o.put("connectTime", s.connectTime.toString());
            if (s.disconnectTime != null) o.put("disconnectTime", s.disconnectTime.toString());
            ObjectNode status = o.putObject("status");
            if (s.lastUpdateTime != null) status.put("lastUpdateTime", s.lastUpdateTime.toString());
            status.set("total", s.total.json(false));
            for (String type : List.of("cds", "eds", "lds", "rds", "sds")) {
                Stats t = s.perType.get(type);
                if (t != null) status.set(type, t.json(true));
                else if (!type.equals("sds")) status.set(type, new Stats().json(false)); // Kuma always has the four
            }
            if (s.lastNack != null) {
                ObjectNode n = status.putObject("lastNack");
                n.put("type", s.lastNack.type());
                if (s.lastNack.version() != null) n.put("version", s.lastNack.version());
                n.put("error", s.lastNack.error());
                n.put("time", s.lastNack.time().toString());
            }
            out.add(o);
        }
        return out;
    }

    private Subscription find(long streamId) {
        for (int i = subscriptions.size() - 1; i >= 0; i--) {
            if (subscriptions.get(i).streamId == streamId) return subscriptions.get(i);
        }
        return null;
    }

    /** Kuma's per-type keys; null for types counted only in {@code total}. */
    static String shortName(String typeUrl) {
        return switch (typeUrl.substring(typeUrl.lastIndexOf('.') + 1)) {
            case "Cluster" -> "cds";
            case "ClusterLoadAssignment" -> "eds";
            case "Listener" -> "lds";
            case "RouteConfiguration" -> "rds";
            case "Secret" -> "sds";
            default -> null;
        };
    }
}
