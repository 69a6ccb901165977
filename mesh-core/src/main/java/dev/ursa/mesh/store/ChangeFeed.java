package dev.ursa.mesh.store;

import java.util.function.Consumer;

/**
 * Committed changes, in commit order per resource. Listeners run on the store's delivery thread and must not block:
 * hand the event to your own queue. Closing the returned handle unsubscribes.
 * <p>
 * A feed that can lose events (the Postgres one, while its LISTEN connection is down) says so with a
 * {@link ResyncNeeded} to {@link #subscribeResync resync subscribers}: a consumer that must be exact then re-reads the
 * store and diffs against what it holds. The signal is sent once delivery works again, so every change committed after
 * it arrives as an event: re-reading after the signal misses nothing.
 */
public interface ChangeFeed {
    AutoCloseable subscribe(Consumer<ChangeEvent> listener);

    /**
     * Hears when events may have been lost. Feeds that never lose events (the in-memory store) never call it; that is
     * this default. Listeners run on the feed's delivery thread and must not block.
     */
    default AutoCloseable subscribeResync(Consumer<ResyncNeeded> listener) {
        return () -> {
        };
    }
}
