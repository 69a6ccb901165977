package dev.ursa.global.events;

import dev.ursa.global.events.EventEncoder.Outgoing;
import dev.ursa.global.events.SourceEvent.StoreChange;
import dev.ursa.global.events.SourceEvent.ZoneTransition;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.ResourceStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes store changes and zone transitions to one Kafka topic, at least once, without ever slowing a write.
 * <p>
 * Writers only append to a {@link DropOldestBuffer} (never blocks). One sender thread takes events in order, reads the
 * resource from the store for its spec, and hands the record to the producer. The producer is idempotent with
 * {@code acks=all} and an unlimited delivery timeout, so a record it accepted is retried until the broker takes it, in
 * order per partition. When the producer cannot accept a record (no metadata, its own buffer full), the sender keeps
 * that event and retries it with backoff; nothing behind it is sent first, so per-key order holds. Meanwhile new events
 * pile up in the buffer and, once it is full, the oldest are dropped and counted: that is the only loss while running.
 */
public final class KafkaEventPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KafkaEventPublisher.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration STORE_READ_TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(2);
    private static final int MAX_READ_ATTEMPTS = 3;

    private final ResourceStore store;
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String brokers;
    private final DropOldestBuffer<SourceEvent> buffer;
    private final long warnAfterNanos;
    private final Counter sent;
    private final Counter failed;
    private final Counter dropped;
    private final Thread sender;
    private final CountDownLatch closing = new CountDownLatch(1);

    /** Events accepted and not yet acknowledged, rejected or dropped: the lag. */
    private final AtomicLong waiting = new AtomicLong();
    /** Records handed to the producer and not yet acknowledged (or failed). */
    private final AtomicLong inFlight = new AtomicLong();
    /** Event the sender holds because the producer or the store refused it; retried before anything newer. */
    private SourceEvent held;
    private volatile long lastProgressNanos = System.nanoTime();
    private final AtomicLong droppedSinceReport = new AtomicLong();
    private final AtomicLong rejectedSinceReport = new AtomicLong();
    private final AtomicReference<Exception> lastRejection = new AtomicReference<>();

    // Sender-thread state for the rate-limited warnings.
    private Exception lastSendError;
    private long attemptStartNanos;
    private int readFailures;
    private long failingSinceNanos;
    private long lastWarnNanos;
    private boolean warned;

    public KafkaEventPublisher(ResourceStore store, Producer<String, byte[]> producer, String topic, String brokers,
                               int bufferSize, Duration warnAfter, MeterRegistry metrics) {
        this.store = store;
        this.producer = producer;
        this.topic = topic;
        this.brokers = brokers;
        this.buffer = new DropOldestBuffer<>(bufferSize);
        this.warnAfterNanos = warnAfter.toNanos();
        this.lastWarnNanos = System.nanoTime() - warnAfterNanos;
        this.sent = Counter.builder("ursa.events.sent").description("Change events acknowledged by Kafka").register(metrics);
        this.failed = Counter.builder("ursa.events.failed")
                .description("Change events Kafka rejected for good (not retriable, e.g. too large or not authorised)").register(metrics);
        this.dropped = Counter.builder("ursa.events.dropped")
                .description("Change events dropped because the in-memory buffer was full (oldest first) or at shutdown").register(metrics);
        Gauge.builder("ursa.events.lag", this, KafkaEventPublisher::lag)
                .description("Change events accepted and not yet acknowledged by Kafka").register(metrics);
        this.sender = Thread.ofPlatform().name("ursa-events-kafka").daemon().unstarted(this::run);
    }

    public KafkaEventPublisher start() {
        sender.start();
        return this;
    }

    /** Store feed listener: never blocks. */
    public void onChange(ChangeEvent change) {
        if (!ResourceTypes.isExportable(change.key().type())) return; // secrets never leave the control plane
        enqueue(new StoreChange(change));
    }

    public void onZoneConnectivity(ZoneConnectivityChanged transition) {
        enqueue(new ZoneTransition(transition));
    }

    /** Events accepted and not yet acknowledged by Kafka: buffered, held for retry, or in the producer. */
    public long lag() {
        return waiting.get();
    }

    private void enqueue(SourceEvent event) {
        if (closing.getCount() == 0) return;
        waiting.incrementAndGet();
        int lost = buffer.offer(event);
        if (lost > 0) {
            waiting.addAndGet(-lost);
            dropped.increment(lost);
            droppedSinceReport.addAndGet(lost);
        }
    }

    private void run() {
        long backoffMs = 0;
        while (true) {
            boolean closed = closing.getCount() == 0;
            if (closed && held == null && buffer.size() == 0) break;
            try {
                report();
                if (backoffMs > 0 && closing.await(backoffMs, TimeUnit.MILLISECONDS)) {
                    backoffMs = 0;
                }
                SourceEvent event = held != null ? held : buffer.poll(POLL);
                if (event == null) continue;
                held = event;
                attemptStartNanos = System.nanoTime();
                send(encode(event));
                held = null;
                backoffMs = 0;
                failingSinceNanos = 0;
            } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
                break;
            } catch (Exception e) {
                // The producer (no metadata, buffer full) or the store refused: keep the event, retry it first.
                if (closing.getCount() == 0) break;
                if (failingSinceNanos == 0) failingSinceNanos = attemptStartNanos;
                lastSendError = e;
                backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
            }
        }
    }

    private Outgoing encode(SourceEvent event) throws Exception {
        return switch (event) {
            case StoreChange(ChangeEvent change) -> change.kind() == ChangeKind.DELETED
                    ? EventEncoder.resourceChanged(change, Optional.empty())
                    : EventEncoder.resourceChanged(change, readForEvent(change));
            case ZoneTransition(ZoneConnectivityChanged transition) -> EventEncoder.zoneConnectivity(transition);
        };
    }

    /**
     * The resource as stored now, for the event's state. A failed read is retried (the event stays held); after
     * {@value #MAX_READ_ATTEMPTS} failures the event goes out without state (marked superseded) rather than blocking
     * every event behind it.
     */
    private Optional<Resource> readForEvent(ChangeEvent change) throws Exception {
        try {
            Optional<Resource> current = store.get(change.key()).toCompletableFuture()
                    .get(STORE_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            readFailures = 0;
            return current;
        } catch (ExecutionException | TimeoutException e) {
            if (++readFailures < MAX_READ_ATTEMPTS) throw e;
            LOG.warnf("cannot read %s from the store (%s); publishing its %s event without state", change.key(),
                    e.getMessage(), change.kind());
            readFailures = 0;
            return Optional.empty();
        }
    }

    /**
     * Hands one record to the producer. The producer reports some refusals (no metadata within {@code max.block.ms},
     * record too large) through the callback, on this thread, before {@code send} returns: those never entered the
     * producer, so a retriable one is thrown for the sender to retry the same event, and any other is counted as failed.
     */
    private void send(Outgoing out) {
        if (inFlight.getAndIncrement() == 0) lastProgressNanos = System.nanoTime();
        AtomicReference<Exception> refused = new AtomicReference<>();
        try {
            producer.send(new ProducerRecord<>(topic, out.key(), out.value()), (metadata, error) -> {
                if (error != null && Thread.currentThread() == sender) {
                    refused.set(error);
                    return;
                }
                inFlight.decrementAndGet();
                waiting.decrementAndGet();
                if (error == null) {
                    sent.increment();
                    lastProgressNanos = System.nanoTime();
                } else {
                    // Accepted records are retried until delivered (unlimited delivery timeout): this error is final.
                    reject(out, error);
                }
            });
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
        Exception error = refused.get();
        if (error == null) return;
        inFlight.decrementAndGet();
        if (error instanceof RetriableException retriable) throw retriable;
        waiting.decrementAndGet();
        reject(out, error);
    }

    private void reject(Outgoing out, Exception error) {
        failed.increment();
        rejectedSinceReport.incrementAndGet();
        lastRejection.set(new IllegalStateException("event " + out.id() + ": " + error.getMessage(), error));
    }

    /** Rate-limited warnings (at most one per {@code warn-after}) and the all-clear once Kafka answers again. */
    private void report() {
        long now = System.nanoTime();
        boolean stalled = (inFlight.get() > 0 && now - lastProgressNanos > warnAfterNanos) || failingSinceNanos != 0;
        boolean due = now - lastWarnNanos >= warnAfterNanos;
        if (stalled && due) {
            long since = failingSinceNanos != 0 ? failingSinceNanos : lastProgressNanos;
            LOG.warnf("Kafka at %s unreachable for %d s: %d change events waiting (buffer holds %d, oldest dropped beyond); "
                            + "API writes are not affected%s",
                    brokers, TimeUnit.NANOSECONDS.toSeconds(now - since), lag(), buffer.capacity(),
                    lastSendError == null ? "" : " (" + lastSendError.getMessage() + ")");
            lastWarnNanos = now;
            warned = true;
        } else if (!stalled && warned) {
            LOG.infof("Kafka at %s reachable again; %d change events still waiting", brokers, lag());
            warned = false;
        }
        if (due || stalled) {
            long lost = droppedSinceReport.getAndSet(0);
            if (lost > 0) {
                LOG.warnf("dropped %d oldest change events: buffer of %d full while Kafka was slow or away", lost, buffer.capacity());
                lastWarnNanos = now;
            }
            long rejected = rejectedSinceReport.getAndSet(0);
            if (rejected > 0) {
                Exception last = lastRejection.get();
                LOG.warnf("Kafka rejected %d change events for good; last: %s", rejected, last == null ? "?" : last.getMessage());
                lastWarnNanos = now;
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            sender.join(SHUTDOWN_DRAIN.toMillis());
            if (sender.isAlive()) {
                sender.interrupt();
                sender.join(SHUTDOWN_DRAIN.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(SHUTDOWN_DRAIN);
        long lost = waiting.getAndSet(0);
        if (lost > 0) {
            dropped.increment(lost);
            LOG.warnf("shutting down with %d change events not delivered to Kafka", lost);
        }
    }
}
