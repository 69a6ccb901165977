package dev.ursa.zone.xds;

import io.envoyproxy.controlplane.server.ExecutorGroup;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * java-control-plane's choice of executor per stream: the stream's own one when {@link StreamExecutors} gives one (a
 * Vert.x event loop), else one of a few sender threads, round robin, each stream always on the same one (order per
 * stream is kept). Responses are then not serialised on the thread that sets a snapshot.
 *
 * <p>Threads: {@link #next()} runs on the thread opening a stream; the round-robin counter is atomic.
 */
final class SenderThreads implements ExecutorGroup, AutoCloseable {
    private final StreamExecutors streamExecutors;
    private final ExecutorService[] senders;
    private final AtomicLong nextSender = new AtomicLong();

    SenderThreads(StreamExecutors streamExecutors) {
        this.streamExecutors = streamExecutors;
        int n = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.senders = new ExecutorService[n];
        for (int i = 0; i < n; i++) {
            String name = "ursa-xds-send-" + i;
            senders[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    @Override
    public Executor next() {
        Executor own = streamExecutors.forNewStream();
        return own != null ? own : senders[(int) (nextSender.getAndIncrement() % senders.length)];
    }

    @Override
    public void close() {
        for (ExecutorService s : senders) s.shutdownNow();
    }
}
