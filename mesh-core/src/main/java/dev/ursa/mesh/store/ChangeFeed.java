package dev.ursa.mesh.store;

import java.util.function.Consumer;

/**
 * Committed changes, in commit order per resource. Listeners run on the store's delivery thread and must not block:
 * hand the event to your own queue. Closing the returned handle unsubscribes.
 */
public interface ChangeFeed {
    AutoCloseable subscribe(Consumer<ChangeEvent> listener);
}
