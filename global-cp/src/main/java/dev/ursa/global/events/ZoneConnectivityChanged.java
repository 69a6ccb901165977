package dev.ursa.global.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A zone connected to ({@code online}) or lost its last KDS stream to ({@code !online}) this global instance. The KDS
 * server fires it as a CDI event ({@code Event<ZoneConnectivityChanged>.fire(...)}, synchronous: the observer only
 * enqueues, it never blocks); the event export publishes it to Kafka when configured, and ignores it otherwise.
 */
public record ZoneConnectivityChanged(String zone, boolean online, Instant at) {
    public ZoneConnectivityChanged {
        Objects.requireNonNull(zone);
        Objects.requireNonNull(at);
    }
}
