package dev.ursa.cp.api;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /events} never runs its watcher's side on the store's writing thread: the memory store delivers changes
 * under its write lock, and a watcher's HTTP connection lock may be held by an event loop waiting for that lock (a
 * zone CP whose store froze under a client writing on the HTTP/2 connection of its /events, found by chaos scenario f).
 */
class EventsApiTest {
    static Resource mesh(String name) {
        return ResourceCodec.decode(ResourceCodec.parse(("type: Mesh\nname: " + name + "\n").getBytes(StandardCharsets.UTF_8), Format.YAML));
    }

    @Test
    void aWatcherStuckInItsConnectionDoesNotHoldTheStoresWritesAndGetsEveryEventInOrderAfterwards() throws Exception {
        InMemoryStore store = new InMemoryStore();
        CountDownLatch connectionBusy = new CountDownLatch(1);
        List<String> received = new CopyOnWriteArrayList<>();
        new EventsApi(store).events().subscribe().with(e -> {
            try {
                connectionBusy.await(); // the response's write waiting for the HTTP connection's lock
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            received.add(e.name() + " " + e.kind());
        });

        // every write returns although the watcher is stuck (before the fix the first one waited for it, holding the lock)
        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 20; i++) store.put(mesh("m-" + i), Precondition.ABSENT).toCompletableFuture().join();
        });
        writes.get(10, TimeUnit.SECONDS);

        connectionBusy.countDown();
        Await.until("every event delivered", Duration.ofSeconds(10), () -> received.size() == 20);
        for (int i = 0; i < 20; i++) assertThat(received.get(i)).isEqualTo("m-" + i + " CREATED");
    }
}
