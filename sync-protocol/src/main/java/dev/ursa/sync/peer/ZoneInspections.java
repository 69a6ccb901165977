package dev.ursa.sync.peer;

import dev.ursa.sync.inspect.v1.InspectRequest;
import dev.ursa.sync.inspect.v1.InspectResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The global's side of KDS's Inspect stream: unary questions to a zone (about one of its dataplanes) carried on a
 * stream the zone dialled, as Kuma's StreamXDSConfigs. Per zone the newest open stream takes the questions; each waits
 * for the answer with its request id, at most {@link Limits#timeout()}, and at most {@link Limits#maxInFlight()} wait
 * at once per zone. A stream that ends fails its pending questions at once ({@link Failure.Reason#STREAM_LOST}).
 * Thread-safe: gRPC threads open and end streams and deliver answers, callers ask from any thread.
 */
public final class ZoneInspections {
    private static final System.Logger LOG = System.getLogger(ZoneInspections.class.getName());

    /** How long a question waits for its answer, and how many of a zone's may wait at once. */
    public record Limits(Duration timeout, int maxInFlight) {
        public Limits {
            if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive: " + timeout);
            if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
        }
    }

    /** Why a question got no answer (besides a timeout, which fails with {@link java.util.concurrent.TimeoutException}). */
    public static final class Failure extends RuntimeException {
        public enum Reason {
            /** The zone has no Inspect stream open (not connected, or a zone CP that does not open one). */
            NOT_OPEN,
            /** {@link Limits#maxInFlight()} questions to the zone are already waiting. */
            BUSY,
            /** The stream ended before the answer came. */
            STREAM_LOST
        }

        private final Reason reason;

        public Failure(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** One zone's Inspect stream and the questions waiting on it. */
    final class Link {
        private final String zone;
        private final StreamObserver<InspectRequest> toZone;
        private final Map<String, CompletableFuture<InspectResponse>> pending = new ConcurrentHashMap<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile boolean closed;

        Link(String zone, StreamObserver<InspectRequest> toZone) {
            this.zone = zone;
            this.toZone = toZone;
        }

        /** An answer from the zone; one that comes too late (its question timed out) is dropped. */
        void answered(InspectResponse response) {
            CompletableFuture<InspectResponse> waiting = pending.remove(response.getRequestId());
            if (waiting != null) {
                waiting.complete(response);
            } else {
                LOG.log(System.Logger.Level.DEBUG, "zone {0} answered inspect request {1} after it was given up", zone, response.getRequestId());
            }
        }

        /** The stream ended: it takes no more questions, and those waiting fail now. Idempotent. */
        void lost(Status status) {
            closed = true;
            links.remove(zone, this);
            String why = "the KDS Inspect stream of zone " + zone + " ended before it answered (" + status.getCode()
                    + (status.getDescription() == null ? "" : ": " + status.getDescription()) + ")";
            for (String id : List.copyOf(pending.keySet())) {
                CompletableFuture<InspectResponse> waiting = pending.remove(id);
                if (waiting != null) waiting.completeExceptionally(new Failure(Failure.Reason.STREAM_LOST, why));
            }
        }

        /** Ends the stream from the global's side (token expired or revoked, zone disabled, displaced by a newer connection). */
        void abort(Status status) {
            lost(status);
            try {
                synchronized (toZone) {
                    toZone.onError(status.asRuntimeException());
                }
            } catch (RuntimeException ignored) {
                // already closed
            }
        }

        CompletableFuture<InspectResponse> ask(InspectRequest question, Limits limits) {
            if (!tryAcquire(limits.maxInFlight())) {
                return CompletableFuture.failedFuture(new Failure(Failure.Reason.BUSY, "zone " + zone + " already has " + limits.maxInFlight()
                        + " inspect requests waiting for an answer (the limit); retry later"));
            }
            String id = Long.toString(ids.incrementAndGet());
            CompletableFuture<InspectResponse> answer = new CompletableFuture<>();
            answer.whenComplete((r, e) -> {
                pending.remove(id);
                inFlight.decrementAndGet();
            });
            pending.put(id, answer);
            // lost() sets closed before it fails what is pending: either it sees this question or this sees closed
            if (closed) {
                answer.completeExceptionally(new Failure(Failure.Reason.STREAM_LOST, "the KDS Inspect stream of zone " + zone + " just ended"));
                return answer;
            }
            try {
                synchronized (toZone) { // a StreamObserver is not thread-safe
                    toZone.onNext(question.toBuilder().setRequestId(id).build());
                }
            } catch (RuntimeException e) {
                answer.completeExceptionally(new Failure(Failure.Reason.STREAM_LOST, "cannot send to zone " + zone + ": " + e.getMessage()));
                return answer;
            }
            return answer.orTimeout(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        private boolean tryAcquire(int max) {
            while (true) {
                int now = inFlight.get();
                if (now >= max) return false;
                if (inFlight.compareAndSet(now, now + 1)) return true;
            }
        }
    }

    /** A zone opened an Inspect stream: it takes the zone's questions from now on (an older one keeps those it has). */
    Link open(String zone, StreamObserver<InspectRequest> toZone) {
        Link link = new Link(zone, toZone);
        links.put(zone, link);
        return link;
    }

    /**
     * Asks the zone; the request id is set here. The answer completes normally whatever the zone's status; it fails with
     * a {@link Failure} or, after {@link Limits#timeout()}, a {@link java.util.concurrent.TimeoutException}.
     */
    public CompletableFuture<InspectResponse> ask(String zone, InspectRequest question, Limits limits) {
        Link link = links.get(zone);
        if (link == null) {
            return CompletableFuture.failedFuture(new Failure(Failure.Reason.NOT_OPEN, "zone " + zone + " has no KDS Inspect stream open"));
        }
        return link.ask(question, limits);
    }

    /** Whether the zone has an Inspect stream open. */
    public boolean hasStream(String zone) {
        return links.containsKey(zone);
    }

    /** How many of the zone's questions are waiting for an answer. */
    public int waiting(String zone) {
        return Optional.ofNullable(links.get(zone)).map(l -> l.pending.size()).orElse(0);
    }
}
