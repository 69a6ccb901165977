package dev.ursa.global.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@code ursa.events.kafka.*}: export of change events to Kafka (see docs/events.md). Off unless bootstrap servers are set. */
@ConfigMapping(prefix = "ursa.events.kafka")
public interface EventsConfig {
    /** Kafka bootstrap servers ({@code host:port,...}). Absent: nothing is exported and no Kafka client is created. */
    Optional<String> bootstrapServers();

    /** The topic events are written to. Ursa does not create it; create it (or let the broker auto-create it). */
    @WithDefault("ursa.events")
    String topic();

    /** Events held in memory while Kafka is slow or away, on top of the producer's own buffer; beyond it the oldest are dropped. */
    @WithDefault("10000")
    int bufferSize();

    /** Kafka silent (nothing acknowledged) this long while events wait: WARN, repeated at most this often. */
    @WithDefault("10s")
    Duration warnAfter();

    /** Extra producer settings passed through unchanged, e.g. {@code ursa.events.kafka.producer."security.protocol"=SSL}. */
    Map<String, String> producer();
}
