package dev.ursa.bench;

import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.ResourceSink;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.peer.Backoff;
import dev.ursa.sync.peer.KdsZoneClient;
import dev.ursa.sync.stream.DeltaReceiver.Incoming;
import dev.ursa.sync.stream.VersionDigest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.TlsChannelCredentials;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The zone side of KDS (the same {@link KdsZoneClient}, {@link StoreSink} and {@link ResourceIndex} a zone CP runs) in
 * this JVM against the real global, so a sync is timed by the protocol's own "every type applied once" event without a
 * zone CP's JVM start: a full resync (empty store) and a resume with no change (the store already holds everything,
 * sent as a digest of its versions). Registers at the global as a zone of its own.
 */
public final class KdsProbe implements AutoCloseable {
    private final ManagedChannel channel;
    private final Channel authenticated;
    private InMemoryStore store = new InMemoryStore();
    /** One sink per store, as a zone CP keeps one for its lifetime (its content versions stay cached across reconnects). */
    private StoreSink sink = StoreSink.fromGlobal(store);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
    private final ExecutorService workers = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().factory());

    /** @param caFile the global's KDS CA ({@code GET /kds/ca.pem}): the probe dials over TLS, as zones do */
    public KdsProbe(int kdsPort, Path caFile, String zone, String token) throws IOException {
        this.channel = Grpc.newChannelBuilder("127.0.0.1:" + kdsPort, TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build())
                .maxInboundMessageSize(4 * 1024 * 1024 + 64 * 1024).build();
        this.authenticated = ClientInterceptors.intercept(channel, new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(KdsGrpc.ZONE, zone);
                        headers.put(KdsGrpc.CP_VERSION, "benchmark");
                        headers.put(KdsGrpc.AUTHORIZATION, "Bearer " + token);
                        super.start(listener, headers);
                    }
                };
            }
        });
    }

    /** Starts over with an empty store: the next {@link #sync()} is a full resync. */
    public void forget() {
        store = new InMemoryStore();
        sink = StoreSink.fromGlobal(store);
    }

    /** How many global-owned resources the probe's store holds. */
    public long resources() throws Exception {
        long n = 0;
        for (var type : KdsTypes.globalToZone()) n += store.list(ListQuery.all(type)).toCompletableFuture().get(30, TimeUnit.SECONDS).total();
        return n;
    }

    /** What one connection took until every global-owned type was applied once, and how many resources arrived. */
    public record Sync(Duration took, long received) {
    }

    /** One connection: dials, waits until every global-owned type has been applied once, disconnects. */
    public Sync sync() throws Exception {
        CompletableFuture<Duration> synced = new CompletableFuture<>();
        AtomicLong received = new AtomicLong();
        ResourceIndex local = new ResourceIndex(store, KdsTypes.zoneToGlobal(),
                r -> !KdsTypes.ORIGIN_GLOBAL.equals(r.meta().labels().get(KdsTypes.ORIGIN_LABEL))).start();
        try (KdsZoneClient client = new KdsZoneClient(authenticated, local, counting(sink, received), new KdsZoneClient.Settings(timer, workers, Clock.systemUTC(),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new SecureRandom()), Duration.ofMillis(20), 1 << 20),
                new KdsZoneClient.Events() {
                    @Override
                    public void synced(Duration took) {
                        synced.complete(took);
                    }
                })) {
            client.start();
            Duration took = synced.get(2, TimeUnit.MINUTES);
            return new Sync(took, received.get());
        } finally {
            local.close();
        }
    }

    /** Counts what the global sends, so a resume that re-sends everything shows. */
    private static ResourceSink counting(ResourceSink sink, AtomicLong received) {
        return new ResourceSink() {
            @Override
            public VersionDigest digest(ResourceType type) {
                return sink.digest(type);
            }

            @Override
            public Map<String, String> versions(ResourceType type) {
                return sink.versions(type);
            }

            @Override
            public Map<String, String> apply(ResourceType type, List<Incoming> upserts, List<String> removals) {
                received.addAndGet(upserts.size() + removals.size());
                return sink.apply(type, upserts, removals);
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
