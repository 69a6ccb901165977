package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneInsightSpec;
import dev.ursa.mesh.resources.ZoneSpec;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.peer.Direction;
import dev.ursa.sync.peer.KdsServerHandler;
import dev.ursa.sync.stream.KdsListener;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import dev.ursa.global.events.ZoneConnectivityChanged;
import java.util.Optional;
import java.util.TreeMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Zone insights and KDS metrics, fed by stream events. Each GlobalToZone stream is one subscription in the zone's
 * ZoneInsight (connect/disconnect time and reason, the zone CP version, per type: responses sent, ACKs, NACKs with the
 * last error, the last ACKed version count); the ZoneToGlobal stream's figures are folded into the same subscription.
 * Connects and disconnects are written at once, other updates at most once per {@code ursa.kds.insight-interval}.
 * A zone is online while its last subscription has no {@code disconnectTime}. The Zone resource is created on first
 * connect.
 * <p>
 * Several global replicas: each writes only the subscriptions of its own streams (stamped with its
 * {@code globalInstanceId}), merged into the stored list with If-Match and retried on conflict
 * ({@link InsightSubscriptions#merge}); one zone's writes are chained so they land in order. The leader closes the
 * subscriptions of replicas that died ({@link ZoneInsightReaper}).
 */
final class ZoneInsights implements KdsServerHandler.Events {
    private static final Logger LOG = Logger.getLogger(ZoneInsights.class);
    private static final int KEEP_SUBSCRIPTIONS = 5;

    private final ResourceStore store;
    private final MeterRegistry metrics;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final Clock clock;
    private final String instanceId;
    private final Map<String, ZoneState> zones = new ConcurrentHashMap<>();
    private final Map<Direction, AtomicInteger> openStreams = new ConcurrentHashMap<>();

    private final Consumer<ZoneConnectivityChanged> connectivity;

    /** @param connectivity told when a zone gets its first open stream here, and when it loses its last one */
    ZoneInsights(ResourceStore store, MeterRegistry metrics, ScheduledExecutorService timer, Duration interval, Clock clock,
                 String instanceId, Consumer<ZoneConnectivityChanged> connectivity) {
        this.connectivity = connectivity;
        this.store = store;
        this.metrics = metrics;
        this.timer = timer;
        this.interval = interval;
        this.clock = clock;
        this.instanceId = instanceId;
        for (Direction d : Direction.values()) {
            AtomicInteger gauge = new AtomicInteger();
            openStreams.put(d, gauge);
            metrics.gauge("ursa.kds.streams.open", List.of(io.micrometer.core.instrument.Tag.of("direction", d.name().toLowerCase())), gauge);
        }
    }

    @Override
    public KdsListener opened(KdsServerHandler.Stream stream) {
        openStreams.get(stream.direction()).incrementAndGet();
        ZoneState zone = zones.computeIfAbsent(stream.zone(), ZoneState::new);
        if (stream.direction() == Direction.GLOBAL_TO_ZONE) {
            ensureZone(stream.zone());
            Instant at = clock.instant();
            boolean cameOnline = zone.connected(stream, at);
            write(zone);
            if (cameOnline) announce(new ZoneConnectivityChanged(stream.zone(), true, at));
        }
        return new StreamListener(stream, zone);
    }

    @Override
    public void closed(KdsServerHandler.Stream stream, Status status) {
        openStreams.get(stream.direction()).decrementAndGet();
        ZoneState zone = zones.get(stream.zone());
        if (zone != null && stream.direction() == Direction.GLOBAL_TO_ZONE) {
            Instant at = clock.instant();
            boolean wentOffline = zone.disconnected(stream, at, status);
            write(zone);
            if (wentOffline) announce(new ZoneConnectivityChanged(stream.zone(), false, at));
        }
    }

    private void announce(ZoneConnectivityChanged change) {
        try {
            connectivity.accept(change);
        } catch (RuntimeException e) {
            // Observers (event export) must not break a KDS stream.
            LOG.warnf(e, "zone connectivity observer failed for %s", change);
        }
    }

    private void ensureZone(String zone) {
        Resource r = new Resource(ResourceTypes.ZONE, Meta.fresh("", zone, Map.of()), new ZoneSpec(true));
        store.put(r, Precondition.ABSENT).exceptionally(e -> null);
    }

    /** Writes the zone's insight now (and cancels a pending delayed write), after the zone's earlier writes. */
    private void write(ZoneState zone) {
        synchronized (zone) {
            zone.pendingWrite = false;
            zone.writing = zone.writing.exceptionally(e -> null).thenCompose(v -> merge(zone, 0));
        }
    }

    private static final int MERGE_ATTEMPTS = 10;

    /** Merges this replica's subscriptions into the stored insight; retried when another replica wrote it meanwhile. */
    private CompletableFuture<Void> merge(ZoneState zone, int attempt) {
        ResourceKey key = ResourceKey.of(ResourceTypes.ZONE_INSIGHT, "", zone.name);
        return store.get(key).thenCompose(existing -> {
            ZoneState.Snapshot mine = zone.snapshot();
            List<JsonNode> stored = existing.map(r -> r.spec(ZoneInsightSpec.class).subscriptions()).orElse(null);
            List<JsonNode> merged = InsightSubscriptions.merge(stored == null ? List.of() : stored, mine.subscriptions(), mine.written(), KEEP_SUBSCRIPTIONS);
            Resource insight = new Resource(ResourceTypes.ZONE_INSIGHT, Meta.fresh("", zone.name, Map.of()), new ZoneInsightSpec(merged));
            Precondition expected = existing.map(r -> Precondition.version(r.meta().version())).orElse(Precondition.ABSENT);
            return store.put(insight, expected).thenAccept(r -> zone.saved(mine));
        }).toCompletableFuture().exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            boolean raced = cause instanceof StoreException.Conflict || cause instanceof StoreException.AlreadyExists
                    || cause instanceof StoreException.NotFound;
            if (raced && attempt < MERGE_ATTEMPTS) return merge(zone, attempt + 1);
            if (!(cause instanceof StoreException.Unavailable)) LOG.warnf("cannot write the insight of zone %s: %s", zone.name, cause.getMessage());
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Schedules a write within the interval, once. */
    private void touch(ZoneState zone) {
        synchronized (zone) {
            if (zone.pendingWrite) return;
            zone.pendingWrite = true;
        }
        timer.schedule(() -> write(zone), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String typeName(String typeUrl) {
        return KdsTypes.byTypeUrl(typeUrl).map(t -> t.name()).orElse(typeUrl);
    }

    private final class StreamListener implements KdsListener {
        private final KdsServerHandler.Stream stream;
        private final ZoneState zone;
        private final Timer latency;

        StreamListener(KdsServerHandler.Stream stream, ZoneState zone) {
            this.stream = stream;
            this.zone = zone;
            this.latency = Timer.builder("ursa.kds.push.latency").description("from a store change to the zone's ACK")
                    .tag("zone", stream.zone()).publishPercentileHistogram().register(metrics);
        }

        private ObjectNode stat(String typeUrl) {
            ObjectNode sub = zone.subscriptionOf(stream);
            ObjectNode stat = (ObjectNode) sub.with("status").with("stat").get(typeName(typeUrl));
            if (stat == null) stat = sub.with("status").with("stat").putObject(typeName(typeUrl));
            sub.with("status").put("lastUpdateTime", clock.instant().toString());
            return stat;
        }

        private Counter counter(String name, String typeUrl) {
            return metrics.counter(name, "zone", stream.zone(), "type", typeName(typeUrl));
        }

        @Override
        public void sent(String typeUrl, int upserts, int removals, int bytes) {
            counter("ursa.kds.resources.sent", typeUrl).increment(upserts + removals);
            counter("ursa.kds.responses.sent", typeUrl).increment();
            synchronized (zone) {
                ObjectNode s = stat(typeUrl);
                s.put("responsesSent", s.path("responsesSent").asLong() + 1);
                s.put("resourcesSent", s.path("resourcesSent").asLong() + upserts + removals);
            }
            touch(zone);
        }

        @Override
        public void acked(String typeUrl, int resources, Duration took) {
            latency.record(took);
            synchronized (zone) {
                ObjectNode s = stat(typeUrl);
                s.put("responsesAcknowledged", s.path("responsesAcknowledged").asLong() + 1);
                s.put("lastAckTime", clock.instant().toString());
            }
            touch(zone);
        }

        @Override
        public void nacked(String typeUrl, String message, Map<String, String> rejected) {
            counter("ursa.kds.nacks", typeUrl).increment();
            LOG.warnf("zone %s rejected %d %s resources: %s", stream.zone(), rejected.size(), typeName(typeUrl), message);
            synchronized (zone) {
                ObjectNode s = stat(typeUrl);
                s.put("responsesRejected", s.path("responsesRejected").asLong() + 1);
                s.put("lastNackTime", clock.instant().toString());
                s.put("lastNackError", message);
                ObjectNode names = s.putObject("rejected");
                new TreeMap<>(rejected).entrySet().stream().limit(20).forEach(e -> names.put(e.getKey(), e.getValue()));
            }
            write(zone);
        }

        @Override
        public void subscribed(String typeUrl, int initialVersions) {
            synchronized (zone) {
                stat(typeUrl).put("resumedWith", initialVersions);
            }
            touch(zone);
        }

        @Override
        public void ignored(String typeUrl, String reason) {
            LOG.warnf("zone %s: ignored %s (%s)", stream.zone(), typeUrl, reason);
        }

        @Override
        public void applied(String typeUrl, int upserts, int removals, Map<String, String> failures) {
            counter("ursa.kds.resources.received", typeUrl).increment(upserts + removals);
            synchronized (zone) {
                ObjectNode sub = zone.latest();
                if (sub == null) return;
                ObjectNode s = sub.with("received").with(typeName(typeUrl));
                s.put("responsesApplied", s.path("responsesApplied").asLong() + 1);
                s.put("resources", s.path("resources").asLong() + upserts + removals);
                if (!failures.isEmpty()) {
                    s.put("responsesRejected", s.path("responsesRejected").asLong() + 1);
                    s.put("lastRejectError", failures.toString());
                }
            }
            touch(zone);
        }
    }

    /** A zone's subscriptions written by this replica. Guarded by its monitor. */
    private final class ZoneState {
        final String name;
        /** This replica's open streams' subscriptions, by stream id. */
        final Map<Long, ObjectNode> byStream = new ConcurrentHashMap<>();
        /** This replica's subscriptions still to be written (open ones, and closed ones until written once), in connect order. */
        final Map<String, ObjectNode> mine = new LinkedHashMap<>();
        /** Ids of those already in the stored list once. */
        final Set<String> written = new HashSet<>();
        boolean pendingWrite;
        CompletableFuture<Void> writing = CompletableFuture.completedFuture(null);

        record Snapshot(List<ObjectNode> subscriptions, Set<String> written) {
        }

        ZoneState(String name) {
            this.name = name;
        }

        synchronized Snapshot snapshot() {
            return new Snapshot(mine.values().stream().map(ObjectNode::deepCopy).toList(), Set.copyOf(written));
        }

        /** After a write of {@code snapshot}: closed subscriptions it carried are in the store for good. */
        synchronized void saved(Snapshot snapshot) {
            for (ObjectNode s : snapshot.subscriptions()) {
                String id = s.path("id").asText();
                written.add(id);
                if (s.has("disconnectTime")) mine.remove(id);
            }
            written.retainAll(mine.keySet());
        }

        /** @return whether this is the zone's first open stream here (it just came online) */
        synchronized boolean connected(KdsServerHandler.Stream stream, Instant at) {
            boolean wasOffline = byStream.isEmpty();
            ObjectNode sub = JsonNodeFactory.instance.objectNode();
            sub.put("id", subscriptionId(stream));
            sub.put(InsightSubscriptions.INSTANCE, instanceId);
            sub.put("connectTime", at.toString());
            sub.put("zoneCpVersion", stream.cpVersion());
            sub.putObject("status").put("lastUpdateTime", at.toString()).putObject("stat");
            mine.put(sub.get("id").asText(), sub);
            byStream.put(stream.id(), sub);
            return wasOffline;
        }

        /** @return whether that was the zone's last open stream here (it just went offline) */
        synchronized boolean disconnected(KdsServerHandler.Stream stream, Instant at, Status status) {
            ObjectNode sub = byStream.remove(stream.id());
            if (sub == null) return false;
            sub.put("disconnectTime", at.toString());
            sub.put("disconnectReason", status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()));
            return byStream.isEmpty();
        }

        synchronized ObjectNode subscriptionOf(KdsServerHandler.Stream stream) {
            ObjectNode sub = byStream.get(stream.id());
            return sub != null ? sub : JsonNodeFactory.instance.objectNode();
        }

        synchronized ObjectNode latest() {
            ObjectNode open = null;
            for (ObjectNode s : mine.values()) if (!s.has("disconnectTime")) open = s;
            return open;
        }
    }

    /**
     * Re-writes this replica's subscriptions of {@code zone} when the stored insight shows one of its open streams
     * closed (the leader took this replica for stopped while its heartbeat was late): an idle stream writes nothing else.
     */
    void repair(String zone, List<JsonNode> stored) {
        ZoneState state = zones.get(zone);
        if (state == null) return;
        boolean wronglyClosed;
        synchronized (state) {
            wronglyClosed = stored.stream().anyMatch(s -> s.has("disconnectTime")
                    && state.byStream.values().stream().anyMatch(open -> open.path("id").asText().equals(s.path("id").asText())));
        }
        if (wronglyClosed) write(state);
    }

    /** The replica these insights are written by. */
    String instanceId() {
        return instanceId;
    }

    /** The subscription id of a stream of this replica: {@code <instance id>-<stream id>}. */
    String subscriptionId(KdsServerHandler.Stream stream) {
        return instanceId + "-" + stream.id();
    }

    /** The stream id of one of this replica's subscription ids, if it is one. */
    Optional<Long> streamOf(String subscriptionId) {
        String prefix = instanceId + "-";
        if (!subscriptionId.startsWith(prefix)) return Optional.empty();
        try {
            return Optional.of(Long.parseLong(subscriptionId.substring(prefix.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
