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

import java.net.InetAddress;
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
import java.util.UUID;
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
                 Consumer<ZoneConnectivityChanged> connectivity) {
        this.connectivity = connectivity;
        this.store = store;
        this.metrics = metrics;
        this.timer = timer;
        this.interval = interval;
        this.clock = clock;
        this.instanceId = hostname() + "-" + UUID.randomUUID().toString().substring(0, 8);
        for (Direction d : Direction.values()) {
            AtomicInteger gauge = new AtomicInteger();
            openStreams.put(d, gauge);
            metrics.gauge("ursa.kds.streams.open", List.of(io.micrometer.core.instrument.Tag.of("direction", d.name().toLowerCase())), gauge);
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "global";
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

    /** Writes the zone's insight now (and cancels a pending delayed write). */
    private void write(ZoneState zone) {
        ObjectNode[] subs;
        synchronized (zone) {
            zone.pendingWrite = false;
            subs = zone.subscriptions.toArray(ObjectNode[]::new);
        }
        List<JsonNode> copies = new ArrayList<>();
        for (ObjectNode s : subs) {
            synchronized (zone) {
                copies.add(s.deepCopy());
            }
        }
        Resource insight = new Resource(ResourceTypes.ZONE_INSIGHT, Meta.fresh("", zone.name, Map.of()), new ZoneInsightSpec(copies));
        store.put(insight, Precondition.ANY).whenComplete((r, e) -> {
            if (e != null && !(e instanceof StoreException.Unavailable)) LOG.warnf("cannot write the insight of zone %s: %s", zone.name, e.getMessage());
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

    private final class ZoneState {
        final String name;
        final List<ObjectNode> subscriptions = new ArrayList<>();
        final Map<Long, ObjectNode> byStream = new ConcurrentHashMap<>();
        boolean pendingWrite;

        ZoneState(String name) {
            this.name = name;
            // Keep the history of earlier connections (possibly from another global instance).
            try {
                Optional<Resource> existing = store.get(ResourceKey.of(ResourceTypes.ZONE_INSIGHT, "", name)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                existing.ifPresent(r -> {
                    List<JsonNode> subs = r.spec(ZoneInsightSpec.class).subscriptions();
                    if (subs != null) subs.stream().filter(JsonNode::isObject).forEach(n -> subscriptions.add(((ObjectNode) n).deepCopy()));
                });
            } catch (Exception e) {
                LOG.debugf("no previous insight for %s: %s", name, e.getMessage());
            }
        }

        /** @return whether this is the zone's first open stream here (it just came online) */
        synchronized boolean connected(KdsServerHandler.Stream stream, Instant at) {
            boolean wasOffline = byStream.isEmpty();
            // A subscription this instance still shows online is stale if its stream is not open here (crash of a previous run).
            ObjectNode sub = JsonNodeFactory.instance.objectNode();
            sub.put("id", instanceId + "-" + stream.id());
            sub.put("globalInstanceId", instanceId);
            sub.put("connectTime", at.toString());
            sub.put("zoneCpVersion", stream.cpVersion());
            sub.putObject("status").put("lastUpdateTime", at.toString()).putObject("stat");
            subscriptions.add(sub);
            while (subscriptions.size() > KEEP_SUBSCRIPTIONS) subscriptions.removeFirst();
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
            for (int i = subscriptions.size() - 1; i >= 0; i--) {
                if (!subscriptions.get(i).has("disconnectTime")) return subscriptions.get(i);
            }
            return null;
        }
    }
}
