package dev.ursa.sync.peer;

import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.ResourceSink;
import dev.ursa.sync.VersionedResource;
import dev.ursa.sync.stream.KdsListener;
import dev.ursa.sync.stream.ReceiverSession;
import dev.ursa.sync.stream.SenderSession;
import dev.ursa.sync.inspect.v1.InspectRequest;
import dev.ursa.sync.inspect.v1.InspectResponse;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The global's side of KDS. The zone identity comes from the gRPC {@link Context} ({@link #ZONE}), which the
 * authentication interceptor sets from the verified token, never from the payload. GlobalToZone streams the index to the
 * zone (every Mesh and policy, and other zones' ZoneIngresses); ZoneToGlobal subscribes to the zone's resources and
 * applies them through that zone's sink; Inspect carries the global's questions about the zone's dataplanes
 * ({@link #inspections()}).
 * <p>
 * Stream lifecycle: a stream opened with a token expiry ({@link #TOKEN_EXPIRY}) is closed at that instant; one zone
 * name has one zone CP: a stream from another connection ({@link #PEER}) than the zone's open streams closes those with
 * ABORTED ("another zone CP connected as ..."), the newer connection wins. Closing a stream never deletes anything: the
 * zone's resources stay as the last stream left them until a stream of that zone says otherwise. The open-stream map is
 * concurrent (gRPC threads open and finish streams, the timer closes expired ones).
 */
public final class KdsServerHandler implements KdsGrpc.Handler {
    private static final System.Logger LOG = System.getLogger(KdsServerHandler.class.getName());

    public static final Context.Key<String> ZONE = Context.key("ursa-zone");
    public static final Context.Key<String> CP_VERSION = Context.key("ursa-cp-version");
    /** The id of the token the zone authenticated with (null without token auth), so a revocation can close its streams. */
    public static final Context.Key<String> TOKEN_ID = Context.key("ursa-token-id");
    /** When the zone's token expires (null without token auth): its streams are closed then. */
    public static final Context.Key<Instant> TOKEN_EXPIRY = Context.key("ursa-token-expiry");
    /** The connection a stream arrived on (the peer address); null when unknown, then no stream displaces another. */
    public static final Context.Key<String> PEER = Context.key("ursa-peer");

    /** What the application learns about streams. */
    public interface Events {
        /** A stream opened; the returned listener hears everything that happens on it. */
        default KdsListener opened(Stream stream) {
            return KdsListener.NONE;
        }

        default void closed(Stream stream, Status status) {
        }
    }

    /** One open stream of one zone. */
    public record Stream(long id, String zone, Direction direction, String cpVersion, String tokenId, Instant tokenExpiry, String peer) {
        static Stream fromContext(long id, String zone, Direction direction) {
            return new Stream(id, zone, direction, Objects.requireNonNullElse(CP_VERSION.get(), ""), TOKEN_ID.get(), TOKEN_EXPIRY.get(), PEER.get());
        }

        /** Whether the two streams came from different zone CP connections (unknown peers never differ). */
        boolean otherConnectionThan(Stream newer) {
            return peer != null && newer.peer != null && !peer.equals(newer.peer);
        }
    }

    /** How an open stream is ended, and its pending close at token expiry (null without one). */
    private record Open(Consumer<Status> abort, ScheduledFuture<?> expiry) {
        void cancelExpiry() {
            if (expiry != null) expiry.cancel(false);
        }
    }

    public record Settings(Duration batchWindow, int maxResponseBytes) {
        public static Settings defaults() {
            return new Settings(Duration.ofMillis(20), 1024 * 1024);
        }
    }

    private final ResourceIndex index;
    private final Function<String, ResourceSink> sinkForZone;
    private final ScheduledExecutorService timer;
    private final Executor workers;
    private final Clock clock;
    private final Settings settings;
    private final Events events;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Stream, Open> open = new ConcurrentHashMap<>();
    private final ZoneInspections inspections = new ZoneInspections();

    public KdsServerHandler(ResourceIndex index, Function<String, ResourceSink> sinkForZone, ScheduledExecutorService timer, Executor workers,
                            Clock clock, Settings settings, Events events) {
        this.index = index;
        this.sinkForZone = sinkForZone;
        this.timer = timer;
        this.workers = workers;
        this.clock = clock;
        this.settings = settings;
        this.events = events;
    }

    /** A zone receives everything but its own ZoneIngresses (it has those already). */
    static Predicate<VersionedResource> forZone(String zone) {
        return v -> v.resource().type() != ResourceTypes.ZONE_INGRESS || !zone.equals(v.label(KdsTypes.ZONE_LABEL));
    }

    @Override
    public StreamObserver<DeltaDiscoveryRequest> globalToZone(StreamObserver<DeltaDiscoveryResponse> toZone) {
        String zone = ZONE.get();
        if (zone == null) {
            toZone.onError(Status.UNAUTHENTICATED.withDescription("no zone identity").asRuntimeException());
            return noop();
        }
        Stream stream = Stream.fromContext(ids.incrementAndGet(), zone, Direction.GLOBAL_TO_ZONE);
        KdsListener listener = events.opened(stream);
        var serverOut = (ServerCallStreamObserver<DeltaDiscoveryResponse>) toZone;
        SenderSession session = new SenderSession(index, forZone(zone), serverOut, timer, settings.batchWindow(), clock,
                settings.maxResponseBytes(), listener);
        register(stream, session::abort);
        serverOut.setOnCancelHandler(() -> finish(stream, session, Status.CANCELLED.withDescription("zone went away")));
        session.start();
        return new StreamObserver<>() {
            @Override
            public void onNext(DeltaDiscoveryRequest request) {
                session.onRequest(request);
            }

            @Override
            public void onError(Throwable t) {
                finish(stream, session, Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                finish(stream, session, Status.OK);
                complete(toZone);
            }
        };
    }

    @Override
    public StreamObserver<DeltaDiscoveryResponse> zoneToGlobal(StreamObserver<DeltaDiscoveryRequest> toZone) {
        String zone = ZONE.get();
        if (zone == null) {
            toZone.onError(Status.UNAUTHENTICATED.withDescription("no zone identity").asRuntimeException());
            return noop();
        }
        Stream stream = Stream.fromContext(ids.incrementAndGet(), zone, Direction.ZONE_TO_GLOBAL);
        KdsListener listener = events.opened(stream);
        var serverOut = (ServerCallStreamObserver<DeltaDiscoveryRequest>) toZone;
        ReceiverSession session = new ReceiverSession(KdsTypes.zoneToGlobal(), sinkForZone.apply(zone), toZone, workers, listener);
        register(stream, session::abort);
        serverOut.setOnCancelHandler(() -> finish(stream, null, Status.CANCELLED.withDescription("zone went away")));
        session.start(KdsTypes.zoneToGlobal());
        return new StreamObserver<>() {
            @Override
            public void onNext(DeltaDiscoveryResponse response) {
                session.onResponse(response);
            }

            @Override
            public void onError(Throwable t) {
                finish(stream, null, Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                finish(stream, null, Status.OK);
                complete(toZone);
            }
        };
    }

    @Override
    public StreamObserver<InspectResponse> inspect(StreamObserver<InspectRequest> toZone) {
        String zone = ZONE.get();
        if (zone == null) {
            toZone.onError(Status.UNAUTHENTICATED.withDescription("no zone identity").asRuntimeException());
            return noop();
        }
        Stream stream = Stream.fromContext(ids.incrementAndGet(), zone, Direction.INSPECT);
        events.opened(stream);
        var serverOut = (ServerCallStreamObserver<InspectRequest>) toZone;
        ZoneInspections.Link link = inspections.open(zone, toZone);
        register(stream, link::abort);
        serverOut.setOnCancelHandler(() -> {
            link.lost(Status.CANCELLED.withDescription("zone went away"));
            finish(stream, null, Status.CANCELLED.withDescription("zone went away"));
        });
        return new StreamObserver<>() {
            @Override
            public void onNext(InspectResponse response) {
                link.answered(response);
            }

            @Override
            public void onError(Throwable t) {
                link.lost(Status.fromThrowable(t));
                finish(stream, null, Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                link.lost(Status.OK.withDescription("the zone closed the stream"));
                finish(stream, null, Status.OK);
                synchronized (toZone) { // the link may be sending a question
                    complete(toZone);
                }
            }
        };
    }

    /** Questions to zones over their Inspect streams. */
    public ZoneInspections inspections() {
        return inspections;
    }

    /**
     * Tracks an opened stream: schedules its close at token expiry, and closes the zone's streams of any other
     * connection (a second zone CP with this zone's name: the newer one wins, the older one is told why).
     */
    private void register(Stream stream, Consumer<Status> abort) {
        open.put(stream, new Open(abort, null));
        if (stream.tokenExpiry() != null) {
            long delay = Math.max(0, Duration.between(clock.instant(), stream.tokenExpiry()).toMillis());
            ScheduledFuture<?> expiry = timer.schedule(() -> close(s -> s.equals(stream), Status.UNAUTHENTICATED.withDescription(
                    "zone token expired: give the zone CP a new token (ursa.zone.token-file)")), delay, TimeUnit.MILLISECONDS);
            // Registered after the stream, so an expiry due at once still finds it; a stream gone meanwhile needs none.
            if (open.computeIfPresent(stream, (s, o) -> new Open(o.abort(), expiry)) == null) expiry.cancel(false);
        }
        Predicate<Stream> displaced = s -> s.zone().equals(stream.zone()) && s.otherConnectionThan(stream);
        if (open.keySet().stream().anyMatch(displaced)) {
            LOG.log(System.Logger.Level.WARNING, "another zone CP connected as zone {0} from {1}: closing the streams of the older "
                    + "connection (two zone CPs with one zone name?)", stream.zone(), stream.peer());
            close(displaced, Status.ABORTED.withDescription("another zone CP connected as zone " + stream.zone()
                    + " (the newer connection wins; do two zone CPs use this zone name?)"));
        }
    }

    private void finish(Stream stream, SenderSession session, Status status) {
        Open was = open.remove(stream);
        if (was == null) return;
        was.cancelExpiry();
        if (session != null) session.close();
        LOG.log(System.Logger.Level.INFO, "KDS " + stream.direction() + " stream of zone " + stream.zone() + " closed: " + status.getCode()
                + (status.getDescription() == null ? "" : " " + status.getDescription()));
        events.closed(stream, status);
    }

    /** Closes every stream of a zone (disabled zone). */
    public void closeZone(String zone, Status status) {
        close(s -> s.zone().equals(zone), status);
    }

    /** Closes the streams that match (e.g. those authenticated with a revoked token). */
    public void close(Predicate<Stream> which, Status status) {
        for (var e : Set.copyOf(open.entrySet())) {
            if (which.test(e.getKey()) && open.remove(e.getKey()) != null) {
                e.getValue().cancelExpiry();
                e.getValue().abort().accept(status);
                events.closed(e.getKey(), status);
            }
        }
    }

    public List<Stream> openStreams() {
        return List.copyOf(open.keySet());
    }

    private static void complete(StreamObserver<?> out) {
        try {
            out.onCompleted();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }

    private static <T> StreamObserver<T> noop() {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
