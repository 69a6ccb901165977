package dev.ursa.zone.xds.render;

import com.google.protobuf.Duration;

/**
 * A policy's durations (timeouts, intervals, TTLs) as the protobuf {@link Duration} of Envoy and gRPC config: seconds
 * and nanos carried over as they are. {@code java.time.Duration} is named in full only because both types are called
 * Duration.
 */
public final class ProtoDurations {
    private ProtoDurations() {
    }

    public static Duration duration(java.time.Duration d) {
        return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }
}
