package dev.ursa.cp.store.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeFeed;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.ResyncNeeded;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The change feed of the Postgres store: every write transaction sends {@code NOTIFY ursa_changes} with a small JSON
 * payload (see {@link #payload}); this class LISTENs on its own dedicated connection and hands each notification to
 * the subscribers, in the order Postgres delivers them, which is commit order. Changes written by this instance arrive
 * the same way, so all instances see one ordered stream.
 * <p>
 * When the LISTEN connection drops it reconnects with exponential backoff (250 ms doubling to 30 s, forever).
 * Notifications sent while it was down are lost: Postgres keeps no history for a listener that was not connected. The
 * feed cannot know what it missed, so once LISTEN is back it sends a {@link ResyncNeeded} to its resync subscribers
 * (and never invents events); consumers that must be exact re-read the store then (the KDS index does). The first
 * LISTEN sends one too when someone subscribed before it was in place (they may have read the store before changes
 * that were never delivered to them).
 */
public final class PgChangeFeed implements ChangeFeed, AutoCloseable {
    public static final String CHANNEL = "ursa_changes";
    private static final Logger LOG = Logger.getLogger(PgChangeFeed.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Vertx vertx;
    private final PgSubscriber subscriber;
    private final List<Consumer<ChangeEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ResyncNeeded>> resyncListeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private volatile boolean closed;
    private int failedConnects;
    /** When the last notification arrived: changes after it may be lost when the connection drops. */
    private volatile Instant lastDelivery;

    public PgChangeFeed(Vertx vertx, PgConnectOptions options) {
        this.vertx = vertx;
        this.subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> backoff(retries));
        subscriber.channel(CHANNEL)
                .subscribeHandler(v -> onListening())
                .handler(this::onNotification);
        subscriber.closeHandler(v -> {
            if (!closed) LOG.warnf("LISTEN %s connection closed for good; no further changes will be delivered", CHANNEL);
        });
    }

    /** Opens the LISTEN connection, retrying with backoff until it succeeds or the feed is closed. */
    public PgChangeFeed start() {
        connect();
        return this;
    }

    /** Completes once the first LISTEN is in place: changes committed after that are delivered. */
    public CompletionStage<Void> listening() {
        return listening.minimalCompletionStage();
    }

    @Override
    public AutoCloseable subscribe(Consumer<ChangeEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public AutoCloseable subscribeResync(Consumer<ResyncNeeded> listener) {
        resyncListeners.add(listener);
        return () -> resyncListeners.remove(listener);
    }

    @Override
    public void close() {
        closed = true;
        subscriber.close();
    }

    /** The NOTIFY payload: key, kind, version and time; never the spec, so it stays far below Postgres' 8000-byte limit. */
    static String payload(ResourceKey key, ChangeKind kind, long version, Instant at) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", key.type());
        n.put("mesh", key.mesh());
        n.put("name", key.name());
        n.put("kind", kind.name());
        n.put("version", version);
        n.put("at", at.toString());
        return n.toString();
    }

    static ChangeEvent parse(String payload) throws Exception {
        JsonNode n = Json.JSON.readTree(payload);
        return new ChangeEvent(
                new ResourceKey(n.get("type").asText(), n.get("mesh").asText(), n.get("name").asText()),
                ChangeKind.valueOf(n.get("kind").asText()),
                n.get("version").asLong(),
                Instant.parse(n.get("at").asText()));
    }

    private void connect() {
        if (closed) return;
        subscriber.connect().onComplete(ar -> {
            if (ar.succeeded()) {
                failedConnects = 0;
                return;
            }
            long delay = backoff(failedConnects++);
            LOG.warnf("cannot open the LISTEN %s connection (%s); retrying in %d ms", CHANNEL, ar.cause().getMessage(), delay);
            vertx.setTimer(delay, id -> connect());
        });
    }

    private void onListening() {
        Instant now = Instant.now();
        // Decided before completing listening(): whoever subscribes once it completes has missed nothing.
        boolean earlySubscribers = !listeners.isEmpty() || !resyncListeners.isEmpty();
        if (listening.complete(null)) {
            LOG.debugf("listening on %s", CHANNEL);
            if (!earlySubscribers) return;
            signalResync(new ResyncNeeded(null, now, "first LISTEN " + CHANNEL + " established after subscribers had joined"));
        } else {
            LOG.warnf("LISTEN %s re-established after a disconnect: changes committed while it was down were not delivered; "
                    + "asking %d subscribers to resync", CHANNEL, resyncListeners.size());
            signalResync(new ResyncNeeded(lastDelivery, now, "LISTEN " + CHANNEL + " connection was lost and re-established"));
        }
    }

    private void signalResync(ResyncNeeded signal) {
        for (Consumer<ResyncNeeded> l : resyncListeners) {
            try {
                l.accept(signal);
            } catch (RuntimeException e) {
                LOG.warnf(e, "resync listener failed on %s", signal);
            }
        }
    }

    private long backoff(int retries) {
        if (closed) return -1;
        return Math.min(MAX_BACKOFF_MS, 250L << Math.min(retries, 7));
    }

    private void onNotification(String payload) {
        lastDelivery = Instant.now();
        ChangeEvent event;
        try {
            event = parse(payload);
        } catch (Exception e) {
            LOG.warnf("ignoring malformed %s notification %s: %s", CHANNEL, payload, e.getMessage());
            return;
        }
        for (Consumer<ChangeEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                // A faulty listener must not stop delivery to the others.
                LOG.warnf(e, "change listener failed on %s", event);
            }
        }
    }
}
