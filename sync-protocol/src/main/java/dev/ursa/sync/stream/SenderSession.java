package dev.ursa.sync.stream;

import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.VersionedResource;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.stub.CallStreamObserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Drives a {@link DeltaSender} on a live stream. Changes from the {@link ResourceIndex} only mark names dirty; a flush
 * diffs them against the current index, so a newer version of a resource replaces an unsent older one (coalescing).
 * The batching window is a minimum spacing between flushes, not a delay: a change on a quiet stream goes out at once,
 * and changes arriving within the window after a flush go out together when it ends (a burst costs one response per
 * window, an isolated change costs no wait), and the dirty set is the stream's bounded queue: past {@link #MAX_DIRTY_NAMES} names
 * a type is simply diffed in full. Nothing is written while the transport is not ready, so a slow peer only grows its
 * own dirty set and never delays other streams.
 */
public final class SenderSession implements ResourceIndex.Listener, AutoCloseable {
    static final int MAX_DIRTY_NAMES = 10_000;

    private final ResourceIndex index;
    private final Predicate<VersionedResource> include;
    private final CallStreamObserver<DeltaDiscoveryResponse> out;
    private final ScheduledExecutorService timer;
    private final Duration window;
    private final Clock clock;
    private final KdsListener listener;
    private final DeltaSender sender;
    private final Map<String, Dirty> dirty = new HashMap<>();
    private boolean scheduled;
    private boolean closed;
    /** When the last flush ran (nanoTime); the next change-driven flush waits until this + window. */
    private long lastFlush = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private AutoCloseable subscription;

    /** Call while the stream is being set up (gRPC only accepts an on-ready handler then). */
    public SenderSession(ResourceIndex index, Predicate<VersionedResource> include, CallStreamObserver<DeltaDiscoveryResponse> out,
                         ScheduledExecutorService timer, Duration window, Clock clock, int maxResponseBytes, KdsListener listener) {
        this.index = index;
        this.include = include;
        this.out = out;
        this.timer = timer;
        this.window = window;
        this.clock = clock;
        this.listener = listener;
        this.sender = new DeltaSender(clock, maxResponseBytes, t -> index.type(t).isPresent());
        out.setOnReadyHandler(() -> schedule(Duration.ZERO));
    }

    /** Starts following the index; call once the stream is open. */
    public SenderSession start() {
        subscription = index.listen(this);
        return this;
    }

    public void onRequest(DeltaDiscoveryRequest request) {
        DeltaSender.Outcome outcome;
        synchronized (this) {
            outcome = sender.onRequest(request);
            if (outcome instanceof DeltaSender.Subscribed s) {
                Dirty d = dirty.computeIfAbsent(s.typeUrl(), t -> new Dirty());
                d.full = true;
                d.always = true;
            }
        }
        switch (outcome) {
            case DeltaSender.Subscribed s -> {
                listener.subscribed(s.typeUrl(), s.peerHas());
                schedule(Duration.ZERO);
            }
            case DeltaSender.Acked a -> listener.acked(a.typeUrl(), a.resources(), a.latency());
            case DeltaSender.Nacked n -> listener.nacked(n.typeUrl(), n.message(), n.rejected());
            case DeltaSender.Ignored i -> listener.ignored(i.typeUrl(), i.reason());
        }
    }

    @Override
    public void changed(String typeUrl, Set<String> names, Instant at) {
        synchronized (this) {
            if (closed || !sender.subscribed(typeUrl)) return;
            Dirty d = dirty.computeIfAbsent(typeUrl, t -> new Dirty());
            d.add(names, at);
        }
        schedule(untilWindowEnds());
    }

    private synchronized Duration untilWindowEnds() {
        long wait = lastFlush + window.toNanos() - System.nanoTime();
        return wait <= 0 ? Duration.ZERO : Duration.ofNanos(wait);
    }

    private void schedule(Duration delay) {
        synchronized (this) {
            if (scheduled || closed || dirty.isEmpty()) return;
            scheduled = true;
        }
        if (delay.isZero()) timer.execute(this::flush);
        else timer.schedule(this::flush, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Sends what is dirty, types in the index's order (meshes first). */
    void flush() {
        synchronized (this) {
            scheduled = false;
            if (closed) return;
            lastFlush = System.nanoTime();
            for (String typeUrl : index.typeUrls()) {
                Dirty d = dirty.get(typeUrl);
                if (d == null) continue;
                if (!out.isReady()) return; // the on-ready handler reschedules
                dirty.remove(typeUrl);
                List<DeltaDiscoveryResponse> responses = sender.diff(typeUrl, index.snapshot(typeUrl), include,
                        d.full ? null : d.names, d.oldest, d.always);
                for (DeltaDiscoveryResponse r : responses) {
                    out.onNext(r);
                    int removed = VersionDigest.asksForVersions(r) ? 0 : r.getRemovedResourcesCount();
                    listener.sent(typeUrl, r.getResourcesCount(), removed, r.getSerializedSize());
                }
            }
        }
    }

    /** Ends the stream with {@code status} (e.g. a revoked zone). */
    public void abort(io.grpc.Status status) {
        synchronized (this) {
            if (!closed) {
                try {
                    out.onError(status.asRuntimeException());
                } catch (RuntimeException ignored) {
                    // already gone
                }
            }
        }
        close();
    }

    public synchronized Map<String, String> acked(String typeUrl) {
        return sender.acked(typeUrl);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            dirty.clear();
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                // nothing to release beyond the listener
            }
        }
    }

    private final class Dirty {
        boolean full;
        boolean always;
        Set<String> names = new HashSet<>();
        Instant oldest;

        void add(Set<String> changed, Instant at) {
            if (oldest == null || (at != null && at.isBefore(oldest))) oldest = at == null ? clock.instant() : at;
            if (full) return;
            names.addAll(changed);
            if (names.size() > MAX_DIRTY_NAMES) {
                full = true;
                names = new HashSet<>();
            }
        }
    }
}
