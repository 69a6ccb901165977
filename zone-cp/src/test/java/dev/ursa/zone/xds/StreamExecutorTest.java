package dev.ursa.zone.xds;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A stream opened on a Vert.x event loop has its responses written from that loop, in order; elsewhere a sender thread. */
class StreamExecutorTest {
    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void streamOpenedOnAnEventLoopRunsItsTasksThereInOrder() throws Exception {
        CompletableFuture<Executor> executor = new CompletableFuture<>();
        CompletableFuture<Thread> loop = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            loop.complete(Thread.currentThread());
            executor.complete(XdsProducer.eventLoopOfNewStream());
        });
        Executor e = executor.get(10, TimeUnit.SECONDS);
        assertThat(e).isNotNull();

        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            int n = i;
            e.execute(() -> {
                order.add(n);
                threads.add(Thread.currentThread());
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order).isSorted().hasSize(100);
        assertThat(threads).containsOnly(loop.get());
    }

    @Test
    void streamOpenedElsewhereUsesTheEngineSenderThreads() {
        assertThat(XdsProducer.eventLoopOfNewStream()).isNull();
    }
}
