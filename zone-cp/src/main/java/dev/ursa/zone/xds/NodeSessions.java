package dev.ursa.zone.xds;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;

/**
 * Which xDS streams belong to which node, and when a node is gone: a grace period after its last stream closed, so a
 * client that reconnects within it keeps its state (and what was registered for it). Used for dataplanes and for
 * ingresses; the state {@code N} of a node is the user's.
 *
 * <p>Threads: streams are filed and looked up from any thread (a concurrent map); node states, their streams and their
 * removals are touched only on the worker given at construction.
 */
public final class NodeSessions<K, N> {
    private static final Logger LOG = Logger.getLogger(NodeSessions.class);

    /** What to do once a node is gone; called on the worker. */
    public interface Removal<K, N> {
        /** @param node its state; null when the removal was scheduled for a node that never connected in this run */
        void removed(K key, N node);
    }

    private final SerialWorker worker;
    private final Duration grace;
    private final Removal<K, N> removal;
    private final Map<Long, K> streams = new ConcurrentHashMap<>();
    /** Written on the worker only; concurrent so that its keys and size can be read from any thread. */
    private final Map<K, Session<N>> nodes = new ConcurrentHashMap<>();
    private final Map<K, ScheduledFuture<?>> removals = new HashMap<>();

    private static final class Session<N> {
        final N node;
        final Set<Long> streams = new HashSet<>();

        Session(N node) {
            this.node = node;
        }
    }

    public NodeSessions(SerialWorker worker, Duration grace, Removal<K, N> removal) {
        this.worker = worker;
        this.grace = grace;
        this.removal = removal;
    }

    // ---- any thread

    /**
     * Files a stream under its node, then on the worker: the node's state is created by {@code create} if it has none,
     * a pending removal is cancelled, and {@code connected} runs with the state and its number of open streams.
     */
    public void open(long streamId, K key, Function<K, N> create, ObjIntConsumer<N> connected) {
        streams.put(streamId, key);
        worker.execute(() -> {
            Session<N> s = nodes.computeIfAbsent(key, k -> new Session<>(create.apply(k)));
            s.streams.add(streamId);
            ScheduledFuture<?> pending = removals.remove(key);
            if (pending != null) pending.cancel(false);
            connected.accept(s.node, s.streams.size());
        });
    }

    /** A stream closed; the node's removal is scheduled once it has none left. Unknown streams are ignored. */
    public void close(long streamId) {
        K key = streams.remove(streamId);
        if (key == null) return;
        worker.execute(() -> {
            Session<N> s = nodes.get(key);
            if (s == null) return;
            s.streams.remove(streamId);
            if (s.streams.isEmpty()) scheduleRemoval(key);
        });
    }

    /** The node a stream was opened for; null when the stream is not open. */
    public K nodeOf(long streamId) {
        return streams.get(streamId);
    }

    /** Runs {@code action} on the worker with the node's state, if it still has one. */
    public void update(K key, Consumer<N> action) {
        worker.execute(() -> {
            Session<N> s = nodes.get(key);
            if (s != null) action.accept(s.node);
        });
    }

    /** Nodes with a state now (connected, or within their grace period). */
    public Set<K> nodes() {
        return Set.copyOf(nodes.keySet());
    }

    public int size() {
        return nodes.size();
    }

    /** Nodes with at least one open stream. */
    public long connected() {
        return streams.values().stream().distinct().count();
    }

    // ---- worker thread

    /** The node's state; null when it has none. */
    public N get(K key) {
        Session<N> s = nodes.get(key);
        return s == null ? null : s.node;
    }

    public int streams(K key) {
        Session<N> s = nodes.get(key);
        return s == null ? 0 : s.streams.size();
    }

    /** The states of the nodes whose key matches. */
    public List<N> matching(Predicate<K> keys) {
        return nodes.entrySet().stream().filter(e -> keys.test(e.getKey())).map(e -> e.getValue().node).toList();
    }

    /** The states of the nodes with at least one open stream. */
    public List<N> withStreams() {
        return nodes.values().stream().filter(s -> !s.streams.isEmpty()).map(s -> s.node).toList();
    }

    /** Removes the node after the grace period unless a stream opens meanwhile (also for a node never connected). */
    public void scheduleRemoval(K key) {
        ScheduledFuture<?> previous = removals.put(key, worker.schedule(() -> removeIfIdle(key), grace));
        if (previous != null) previous.cancel(false);
    }

    /** Nodes whose removal is scheduled and has neither run nor been cancelled (grace period running). */
    public Set<K> pendingRemovals() {
        Set<K> out = new HashSet<>();
        removals.forEach((key, f) -> {
            if (!f.isDone()) out.add(key);
        });
        return out;
    }

    private void removeIfIdle(K key) {
        removals.remove(key);
        Session<N> s = nodes.get(key);
        if (s != null && !s.streams.isEmpty()) return;
        nodes.remove(key);
        try {
            removal.removed(key, s == null ? null : s.node);
        } catch (RuntimeException e) {
            LOG.errorf(e, "cleaning up after node %s failed", key);
        }
    }
}
