package dev.ursa.sync.peer;

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
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The zone's side of KDS: dials the global, opens GlobalToZone (subscribes with what the zone already has, applies what
 * arrives) and ZoneToGlobal (serves the zone's own resources), and when either stream ends tears both down and dials
 * again after a jittered exponential backoff. Each connection resumes from the store's state, so only differences flow.
 * With an {@link Inspector} it also opens Inspect, where it answers the global's questions about the zone's dataplanes
 * (on the workers, one answer per request id); a global that does not serve Inspect (older) leaves the other two streams
 * up.
 */
public final class KdsZoneClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KdsZoneClient.class.getName());
    /** A connection that lived this long resets the backoff. */
    private static final Duration STABLE = Duration.ofSeconds(30);

    /** What the application learns about the connection. */
    public interface Events {
        default void connecting(int attempt) {
        }

        /** Every global-owned type has been applied once on this connection. */
        default void synced(Duration took) {
        }

        default void disconnected(Status status, Duration retryIn) {
        }

        default KdsListener listener(Direction direction) {
            return KdsListener.NONE;
        }
    }

    /** Answers the global's questions about this zone's dataplanes; may block (runs on the client's workers). */
    @FunctionalInterface
    public interface Inspector {
        /** The answer to one question; its request id is set by the client. */
        InspectResponse answer(InspectRequest question);
    }

    /**
     * How the client runs: its timer (batching, reconnects), the executor responses are applied on, the clock, the
     * reconnect backoff, the batching window of what the zone sends up and the largest response it sends.
     */
    public record Settings(ScheduledExecutorService timer, Executor workers, Clock clock, Backoff backoff, Duration batchWindow,
                           int maxResponseBytes) {
        /** Defaults: system clock, backoff 100 ms doubling up to 10 s, 20 ms window, 1 MiB responses. */
        public static Settings of(ScheduledExecutorService timer, Executor workers) {
            return new Settings(timer, workers, Clock.systemUTC(), new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new SecureRandom()),
                    Duration.ofMillis(20), 1 << 20);
        }

        public Settings withBackoff(Backoff b) {
            return new Settings(timer, workers, clock, b, batchWindow, maxResponseBytes);
        }

        public Settings withBatchWindow(Duration window) {
            return new Settings(timer, workers, clock, backoff, window, maxResponseBytes);
        }

        public Settings withMaxResponseBytes(int bytes) {
            return new Settings(timer, workers, clock, backoff, batchWindow, bytes);
        }

        public Settings withClock(Clock c) {
            return new Settings(timer, workers, c, backoff, batchWindow, maxResponseBytes);
        }
    }

    private final Channel channel;
    private final ResourceIndex local;
    private final ResourceSink sink;
    private final ScheduledExecutorService timer;
    private final Executor workers;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration batchWindow;
    private final int maxResponseBytes;
    private final Events events;
    private final Inspector inspector;
    private final AtomicBoolean toldInspectUnsupported = new AtomicBoolean();
    private final AtomicInteger generation = new AtomicInteger();
    private Connection current;
    private boolean closed;
    private int attempts;
    /** Why the last connection ended (see {@link #lastFailure()}); cleared when a connection syncs. */
    private volatile String lastFailure;

    /** A client that opens no Inspect stream (as zone CPs before it existed). */
    public KdsZoneClient(Channel channel, ResourceIndex local, ResourceSink sink, Settings settings, Events events) {
        this(channel, local, sink, settings, events, null);
    }

    /** @param inspector answers the global's questions on the Inspect stream; null: that stream is not opened */
    public KdsZoneClient(Channel channel, ResourceIndex local, ResourceSink sink, Settings settings, Events events, Inspector inspector) {
        this.inspector = inspector;
        this.channel = channel;
        this.local = local;
        this.sink = sink;
        this.timer = settings.timer();
        this.workers = settings.workers();
        this.clock = settings.clock();
        this.backoff = settings.backoff();
        this.batchWindow = settings.batchWindow();
        this.maxResponseBytes = settings.maxResponseBytes();
        this.events = events;
    }

    public synchronized void start() {
        connect();
    }

    private synchronized void connect() {
        if (closed) return;
        int gen = generation.incrementAndGet();
        events.connecting(++attempts);
        current = new Connection(gen);
        current.open();
    }

    /** Called by a connection whose stream ended; the first such call per connection schedules the next one. */
    private synchronized void lost(int gen, Status status) {
        if (gen != generation.get() || closed) return;
        generation.incrementAndGet();
        Connection dead = current;
        current = null;
        if (dead != null) {
            dead.cancel(status);
            if (Duration.between(dead.openedAt, clock.instant()).compareTo(STABLE) > 0) backoff.reset();
        }
        boolean refused = refused(status);
        Duration delay = refused ? backoff.nextAfterRefusal() : backoff.next();
        lastFailure = describe(status);
        if (refused) {
            LOG.log(System.Logger.Level.WARNING, "the global refused this zone ({0}); retrying in {1} ms", lastFailure, delay.toMillis());
        } else {
            LOG.log(System.Logger.Level.INFO, "KDS connection to the global lost ({0}); reconnecting in {1} ms", lastFailure, delay.toMillis());
        }
        events.disconnected(status, delay);
        timer.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the global refused this zone rather than lost it: bad or revoked credentials, a disabled or deleted zone, or
     * another zone CP took the zone's name (ABORTED). Retrying soon cannot help, so the backoff jumps to its longest delay:
     * two zone CPs sharing a name swap at most once per longest delay instead of fighting in a tight loop.
     */
    static boolean refused(Status status) {
        return switch (status.getCode()) {
            case UNAUTHENTICATED, PERMISSION_DENIED, ABORTED -> true;
            default -> false;
        };
    }

    /**
     * Why the last connection to the global ended or could not be made: the gRPC status and its root cause (for a TLS
     * handshake the zone refused, the certificate problem, e.g. "PKIX path building failed"). Empty before the first
     * failure and once a connection has synced again.
     */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * "CODE: description (Cause: message; root RootCause: message)": gRPC's description alone often says only "io
     * exception"; the cause says what failed (for TLS, the SSLHandshakeException and its PKIX reason) and the root what
     * exactly (e.g. a signature that does not match). Only the description's first line: Netty appends its pipeline.
     */
    static String describe(Status status) {
        StringBuilder out = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) out.append(": ").append(status.getDescription().lines().findFirst().orElse(""));
        Throwable cause = status.getCause();
        if (cause != null) {
            out.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
            Throwable root = cause;
            for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 20; depth++) root = root.getCause();
            if (root != cause) out.append("; root ").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage());
            out.append(')');
        }
        return out.toString();
    }

    /** Drops the current connection (as a partition would) and reconnects after the backoff. For tests and operators. */
    public void reconnect() {
        lost(generation.get(), Status.UNAVAILABLE.withDescription("reconnect requested"));
    }

    @Override
    public synchronized void close() {
        closed = true;
        generation.incrementAndGet();
        if (current != null) current.cancel(Status.CANCELLED.withDescription("zone control plane stopping"));
        current = null;
    }

    /** GlobalToZone responses; the receiver is set before the first subscription is sent, so before any response. */
    private final class FromGlobal implements StreamObserver<DeltaDiscoveryResponse> {
        final int gen;
        volatile ReceiverSession receiver;

        FromGlobal(int gen) {
            this.gen = gen;
        }

        @Override
        public void onNext(DeltaDiscoveryResponse response) {
            receiver.onResponse(response);
        }

        @Override
        public void onError(Throwable t) {
            lost(gen, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            lost(gen, Status.UNAVAILABLE.withDescription("global closed the stream"));
        }
    }

    /** The streams of one dial. */
    private final class Connection {
        final int gen;
        final Instant openedAt = clock.instant();
        StreamObserver<DeltaDiscoveryRequest> toGlobal;
        ClientCallStreamObserver<DeltaDiscoveryResponse> upstream;
        SenderSession sender;
        volatile StreamObserver<InspectResponse> answers;

        Connection(int gen) {
            this.gen = gen;
        }

        void open() {
            FromGlobal fromGlobal = new FromGlobal(gen);
            toGlobal = KdsGrpc.globalToZone(channel, CallOptions.DEFAULT, fromGlobal);
            ReceiverSession receiver = new ReceiverSession(KdsTypes.globalToZone(), sink, toGlobal, workers, events.listener(Direction.GLOBAL_TO_ZONE));
            fromGlobal.receiver = receiver;
            receiver.synced().thenRun(() -> {
                if (gen == generation.get()) {
                    lastFailure = null;
                    events.synced(Duration.between(openedAt, clock.instant()));
                }
            });
            receiver.start(KdsTypes.globalToZone());

            KdsGrpc.zoneToGlobal(channel, CallOptions.DEFAULT, new ClientResponseObserver<DeltaDiscoveryResponse, DeltaDiscoveryRequest>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<DeltaDiscoveryResponse> requestStream) {
                    upstream = requestStream;
                    Predicate<VersionedResource> all = v -> true;
                    sender = new SenderSession(local, all, requestStream, timer, batchWindow, clock, maxResponseBytes, events.listener(Direction.ZONE_TO_GLOBAL));
                }

                @Override
                public void onNext(DeltaDiscoveryRequest request) {
                    sender.onRequest(request);
                }

                @Override
                public void onError(Throwable t) {
                    lost(gen, Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    lost(gen, Status.UNAVAILABLE.withDescription("global closed the stream"));
                }
            });
            sender.start();
            if (inspector != null) openInspect();
        }

        private void openInspect() {
            KdsGrpc.inspect(channel, CallOptions.DEFAULT, new ClientResponseObserver<InspectResponse, InspectRequest>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<InspectResponse> requestStream) {
                    answers = requestStream; // before any question can arrive
                }

                @Override
                public void onNext(InspectRequest question) {
                    workers.execute(() -> reply(question));
                }

                @Override
                public void onError(Throwable t) {
                    Status status = Status.fromThrowable(t);
                    if (status.getCode() == Status.Code.UNIMPLEMENTED) {
                        // an older global: the zone syncs as before, only inspection from the global is missing
                        if (toldInspectUnsupported.compareAndSet(false, true)) {
                            LOG.log(System.Logger.Level.WARNING, "the global does not serve KDS Inspect (older version): it cannot show "
                                    + "this zone's dataplane _config and _policies; syncing is not affected");
                        }
                        return;
                    }
                    lost(gen, status);
                }

                @Override
                public void onCompleted() {
                    lost(gen, Status.UNAVAILABLE.withDescription("global closed the Inspect stream"));
                }
            });
        }

        private void reply(InspectRequest question) {
            InspectResponse answer;
            try {
                answer = inspector.answer(question).toBuilder().setRequestId(question.getRequestId()).build();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "answering the global's inspect request failed", e);
                answer = InspectResponse.newBuilder().setRequestId(question.getRequestId()).setStatus(500)
                        .setError("the zone control plane failed to answer: " + e).build();
            }
            try {
                synchronized (this) { // a StreamObserver is not thread-safe, answers come from many workers
                    answers.onNext(answer);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "inspect answer not sent, the stream ended: {0}", e.getMessage());
            }
        }

        void cancel(Status status) {
            if (answers != null) {
                try {
                    synchronized (this) {
                        answers.onError(Status.CANCELLED.withDescription(status.getDescription()).asRuntimeException());
                    }
                } catch (RuntimeException ignored) {
                    // already closed
                }
            }
            if (sender != null) sender.abort(Status.CANCELLED.withDescription(status.getDescription()));
            try {
                toGlobal.onError(Status.CANCELLED.withDescription(status.getDescription()).asRuntimeException());
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }
}
