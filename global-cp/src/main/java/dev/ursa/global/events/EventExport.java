package dev.ursa.global.events;

import dev.ursa.mesh.store.ResourceStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the Kafka export when {@code ursa.events.kafka.bootstrap-servers} is set; otherwise does nothing at all (no
 * client, no thread, no metrics, no health check).
 * <p>
 * With the Postgres store every instance receives every change, and <b>every instance publishes</b> it: events carry a
 * deterministic {@code id}, identical on all instances, and consumers drop ids they have seen (docs/events.md). We chose
 * this over electing one publisher (e.g. a Postgres advisory lock) because at-least-once already obliges consumers to
 * drop duplicates, and it has no hand-over gap: when one instance dies or loses Kafka, the others still deliver.
 * The cost is one copy per instance on the topic.
 */
@ApplicationScoped
public class EventExport {
    private static final Logger LOG = Logger.getLogger(EventExport.class);

    private final EventsConfig config;
    private final ResourceStore store;
    private final MeterRegistry metrics;
    private KafkaEventPublisher publisher;
    private AutoCloseable subscription;

    public EventExport(EventsConfig config, ResourceStore store, MeterRegistry metrics) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent startup) {
        Optional<String> brokers = config.bootstrapServers().map(String::trim).filter(s -> !s.isEmpty());
        if (brokers.isEmpty()) {
            LOG.debug("change events: not exported (ursa.events.kafka.bootstrap-servers not set)");
            return;
        }
        publisher = new KafkaEventPublisher(store, new KafkaProducer<>(producerConfig(brokers.get(), config.producer())),
                config.topic(), brokers.get(), config.bufferSize(), config.warnAfter(), metrics).start();
        subscription = store.changes().subscribe(publisher::onChange);
        LOG.infof("change events: exported to Kafka topic %s at %s (buffer %d)", config.topic(), brokers.get(), config.bufferSize());
    }

    void onZoneConnectivity(@Observes ZoneConnectivityChanged transition) {
        if (publisher != null) publisher.onZoneConnectivity(transition);
    }

    void stop(@Observes ShutdownEvent shutdown) throws Exception {
        if (subscription != null) subscription.close();
        if (publisher != null) publisher.close();
    }

    /** The running publisher; empty when the export is off. */
    public Optional<KafkaEventPublisher> publisher() {
        return Optional.ofNullable(publisher);
    }

    /**
     * Producer settings for at-least-once without blocking: idempotent, {@code acks=all}, records never expire (kept and
     * retried until the broker returns, in order), and {@code send} waits at most 5 s for metadata or buffer space, after
     * which the publisher retries the same event. User settings under {@code ursa.events.kafka.producer.*} win.
     */
    static Map<String, Object> producerConfig(String brokers, Map<String, String> overrides) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ursa-global-events");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.putAll(overrides);
        return p;
    }
}
