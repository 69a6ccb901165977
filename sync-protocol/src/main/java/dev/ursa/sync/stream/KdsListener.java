package dev.ursa.sync.stream;

import java.time.Duration;
import java.util.Map;

/** What happens on one stream, for insights, metrics and logs. Every method has a no-op default. */
public interface KdsListener {
    KdsListener NONE = new KdsListener() {
    };

    /** Sender side: the peer subscribed to a type, saying it has {@code initialVersions} resources. */
    default void subscribed(String typeUrl, int initialVersions) {
    }

    default void sent(String typeUrl, int upserts, int removals, int bytes) {
    }

    default void acked(String typeUrl, int resources, Duration latency) {
    }

    default void nacked(String typeUrl, String message, Map<String, String> rejected) {
    }

    /** A type or message this side does not understand; ignored, the stream goes on. */
    default void ignored(String typeUrl, String reason) {
    }

    /** Receiver side: a response was applied; {@code failures} were NACKed. */
    default void applied(String typeUrl, int upserts, int removals, Map<String, String> failures) {
    }
}
