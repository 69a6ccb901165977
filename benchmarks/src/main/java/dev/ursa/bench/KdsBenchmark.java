package dev.ursa.bench;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.ResourceSink;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.peer.Backoff;
import dev.ursa.sync.peer.KdsServerHandler;
import dev.ursa.sync.peer.KdsZoneClient;
import dev.ursa.sync.stream.DeltaReceiver;
import dev.ursa.sync.stream.KdsListener;
import dev.ursa.sync.stream.VersionDigest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * KDS, global to N zones, in one JVM over real gRPC (Netty, HTTP/2 on loopback): the global's index and
 * {@link KdsServerHandler} on a grpc-java server, each zone a real {@link KdsZoneClient} with its own channel and
 * in-memory store (what a zone CP runs, minus REST and xDS). Stores are in-memory on both sides, so the figures are
 * KDS's own cost; the Postgres feed is measured by MultiZoneIT (docs/benchmarks.md).
 * <ol>
 *   <li>change-to-ACK: one MeshTimeout written on the global until every zone has ACKed it (p50/p99/max), sequential
 *       changes; once per batching window given (e.g. 20 ms and 0 = off)</li>
 *   <li>full resync: N empty zones connect to a global holding R resources, until every zone reports synced</li>
 *   <li>resume with no change: the same zones reconnect with their stores, until every zone reports synced</li>
 *   <li>bytes: serialized size of the DeltaDiscoveryResponses the global sent (HTTP/2 framing not counted)</li>
 * </ol>
 * <pre>java -cp benchmarks/target/benchmarks.jar:benchmarks/target/lib/* dev.ursa.bench.KdsBenchmark [zones] [resources] [changes] [windows ms...]</pre>
 */
public final class KdsBenchmark {
    private static final String TIMEOUTS = KdsTypes.TYPE_URL_PREFIX + "MeshTimeout";
    /** Pause after each measured change, longer than any window measured: isolated changes, as operators make them. */
    private static final long THINK_MS = 30;

    public static void main(String[] args) throws Exception {
        int zones = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int resources = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int changes = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        List<Integer> windows = new ArrayList<>();
        for (int i = 3; i < args.length; i++) windows.add(Integer.parseInt(args[i]));
        if (windows.isEmpty()) windows = List.of(20, 0);
        Machine m = Machine.current();
        System.out.printf("KDS benchmark: global -> %d zones in one JVM over real gRPC (loopback), in-memory stores; %d cores, %s, Java %s%n",
                zones, m.cores(), m.cpuModel(), m.javaVersion());
        for (int window : windows) {
            try (Federation f = new Federation(zones, Duration.ofMillis(window))) {
                f.changeToAck(changes, window);
            }
        }
        try (Federation f = new Federation(zones, Duration.ofMillis(windows.getFirst()))) {
            f.resyncAndResume(resources);
        }
        System.exit(0);
    }

    /** A global and its zones. */
    static final class Federation implements AutoCloseable {
        final InMemoryStore global = new InMemoryStore();
        final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        final List<InMemoryStore> zoneStores = new ArrayList<>();
        /** One sink per zone for its lifetime, as a zone CP keeps it across reconnects. */
        final List<StoreSink> zoneSinks = new ArrayList<>();
        final List<AutoCloseable> connections = new ArrayList<>();
        final AtomicLong bytes = new AtomicLong();
        /**
         * The protocol's own figure per connection: from the streams being opened to every type applied once (what a
         * zone CP logs as its sync time), without building a channel and a local index as {@link #connect} does.
         */
        final java.util.concurrent.ConcurrentLinkedQueue<Long> syncTook = new java.util.concurrent.ConcurrentLinkedQueue<>();
        /** Serialized size of every request the zones sent (subscriptions, ACKs), HTTP/2 framing not counted. */
        final AtomicLong requestBytes = new AtomicLong();
        final AtomicLong responses = new AtomicLong();
        final AtomicLong resourcesSent = new AtomicLong();
        final AtomicReference<CountDownLatch> acks = new AtomicReference<>(new CountDownLatch(0));
        final ResourceIndex index;
        final Server server;
        final int zones;

        Federation(int zones, Duration window) throws Exception {
            this.zones = zones;
            put(global, "type: Mesh\nname: default\n");
            index = new ResourceIndex(global, KdsTypes.globalToZone(), r -> true).start();
            KdsServerHandler handler = new KdsServerHandler(index, z -> StoreSink.fromZone(global, z), timer, workers, Clock.systemUTC(),
                    new KdsServerHandler.Settings(window, 1 << 20), new KdsServerHandler.Events() {
                @Override
                public KdsListener opened(KdsServerHandler.Stream stream) {
                    return new KdsListener() {
                        @Override
                        public void sent(String typeUrl, int upserts, int removals, int size) {
                            bytes.addAndGet(size);
                            responses.incrementAndGet();
                            resourcesSent.addAndGet(upserts + removals);
                        }

                        @Override
                        public void acked(String typeUrl, int count, Duration latency) {
                            if (typeUrl.equals(TIMEOUTS) && count > 0) acks.get().countDown();
                        }
                    };
                }
            });
            ServerInterceptor zoneFromHeader = new ServerInterceptor() {
                @Override
                public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                    return Contexts.interceptCall(Context.current().withValue(KdsServerHandler.ZONE, headers.get(KdsGrpc.ZONE)), call, headers, next);
                }
            };
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(KdsGrpc.service(handler), zoneFromHeader)).build().start();
            for (int i = 0; i < zones; i++) {
                zoneStores.add(new InMemoryStore());
                zoneSinks.add(StoreSink.fromGlobal(zoneStores.getLast()));
            }
        }

        /** Connects every zone (with whatever its store holds); returns when all report synced. */
        long connectAll() throws Exception {
            CountDownLatch synced = new CountDownLatch(zones);
            long t0 = System.nanoTime();
            for (int i = 0; i < zones; i++) connections.add(connect("zone-" + (i + 1), zoneStores.get(i), zoneSinks.get(i), synced));
            if (!synced.await(2, TimeUnit.MINUTES)) throw new IllegalStateException("zones did not sync within 2 minutes");
            return System.nanoTime() - t0;
        }

        void disconnectAll() throws Exception {
            for (AutoCloseable c : connections.reversed()) c.close();
            connections.clear();
        }

        AutoCloseable connect(String zone, InMemoryStore store, CountDownLatch synced) {
            return connect(zone, store, StoreSink.fromGlobal(store), synced);
        }

        AutoCloseable connect(String zone, InMemoryStore store, ResourceSink sink, CountDownLatch synced) {
            ResourceIndex local = new ResourceIndex(store, KdsTypes.zoneToGlobal(),
                    r -> !KdsTypes.ORIGIN_GLOBAL.equals(r.meta().labels().get(KdsTypes.ORIGIN_LABEL))).start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                    .maxInboundMessageSize(4 * 1024 * 1024 + 64 * 1024).build();
            Metadata md = new Metadata();
            md.put(KdsGrpc.ZONE, zone);
            Channel withZone = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md), new ClientInterceptor() {
                @Override
                public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                        @Override
                        public void sendMessage(Q message) {
                            if (message instanceof com.google.protobuf.MessageLite m) requestBytes.addAndGet(m.getSerializedSize());
                            super.sendMessage(message);
                        }
                    };
                }
            });
            KdsZoneClient client = new KdsZoneClient(withZone, local, sink, timer, workers, Clock.systemUTC(),
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1)), Duration.ofMillis(20), 1 << 20,
                    new KdsZoneClient.Events() {
                        @Override
                        public void synced(Duration took) {
                            syncTook.add(took.toNanos());
                            synced.countDown();
                        }
                    });
            client.start();
            return () -> {
                client.close();
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                local.close();
            };
        }

        void changeToAck(int changes, int windowMs) throws Exception {
            connectAll();
            int warmup = Math.min(50, changes / 5);
            long[] samples = new long[changes];
            long bytesBefore = 0;
            for (int i = -warmup; i < changes; i++) {
                if (i == 0) bytesBefore = bytes.get();
                CountDownLatch latch = new CountDownLatch(zones);
                acks.set(latch);
                long t0 = System.nanoTime();
                put(global, timeout("t" + (Math.floorMod(i, 20)), (i + warmup + 1) + "s"));
                if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("change " + i + " not ACKed by every zone");
                if (i >= 0) samples[i] = System.nanoTime() - t0;
                Thread.sleep(THINK_MS); // think time between changes (pacing): each change meets a quiet stream
            }
            LatencyStats s = LatencyStats.ofNanos(samples);
            System.out.printf("change-to-ACK, 1 change -> %d zones, batching window %d ms, %d changes: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %.0f bytes per zone per change%n",
                    zones, windowMs, changes, s.p50Ms(), s.p90Ms(), s.p99Ms(), s.maxMs(), (bytes.get() - bytesBefore) / (double) changes / zones);
            disconnectAll();
        }

        void resyncAndResume(int resources) throws Exception {
            for (int i = 0; i < resources; i++) put(global, timeout("r" + i, (i % 600 + 1) + "s"));
            awaitIndexed(resources);
            // JIT warm-up: one zone syncs everything once, then its store is dropped.
            InMemoryStore scratch = new InMemoryStore();
            CountDownLatch warm = new CountDownLatch(1);
            AutoCloseable w = connect("warmup", scratch, warm);
            warm.await(2, TimeUnit.MINUTES);
            w.close();

            long b0 = bytes.get(), n0 = resourcesSent.get();
            long full = connectAll();
            long fullBytes = bytes.get() - b0, fullResources = resourcesSent.get() - n0;
            System.out.printf("full resync, %d resources (+1 mesh) -> %d empty zones at once: %.0f ms until every zone synced; %d resources sent, %.1f MiB (%.0f bytes per resource)%n",
                    resources, zones, full / 1e6, fullResources, fullBytes / 1048576.0, fullBytes / (double) fullResources);
            disconnectAll();

            CountDownLatch one = new CountDownLatch(1);
            InMemoryStore single = new InMemoryStore();
            long t1 = System.nanoTime();
            AutoCloseable c = connect("single", single, one);
            one.await(2, TimeUnit.MINUTES);
            System.out.printf("full resync, %d resources -> 1 empty zone: %.0f ms%n", resources, (System.nanoTime() - t1) / 1e6);
            c.close();

            // Baseline in the same run: a digest that never matches makes every resume send its full version list
            // (what the protocol did before digests, plus one round trip; what a zone that missed changes does).
            for (int round = 0; round < 2; round++) {
                long q0 = requestBytes.get();
                syncTook.clear();
                LatencyStats digest = resumeOneZone(zoneSinks.getFirst(), 5);
                LatencyStats digestStreams = LatencyStats.ofNanos(syncTook.stream().mapToLong(Long::longValue).toArray());
                long digestBytes = (requestBytes.get() - q0) / 5;
                q0 = requestBytes.get();
                LatencyStats everyVersion = resumeOneZone(staleDigest(zoneSinks.getFirst()), 5);
                long everyVersionBytes = (requestBytes.get() - q0) / 5;
                if (round == 0) continue; // JIT warm-up of both paths
                System.out.printf("resume with no change, 1 zone holding %d resources, 5 rounds: from the streams opening (protocol) p50 %.1f ms, max %.1f ms%n",
                        resources, digestStreams.p50Ms(), digestStreams.maxMs());
                System.out.printf("resume with no change, 1 zone holding %d resources (new channel each time), 5 rounds: until synced p50 %.1f ms, max %.1f ms, %d request bytes; "
                                + "baseline with every version sent: p50 %.1f ms, max %.1f ms, %d request bytes (digest x%.1f faster)%n",
                        resources, digest.p50Ms(), digest.maxMs(), digestBytes, everyVersion.p50Ms(), everyVersion.maxMs(), everyVersionBytes,
                        everyVersion.p50Ms() / digest.p50Ms());
            }

            long[] resumes = new long[5];
            long[] resumeStreams = new long[resumes.length];
            long rb0 = bytes.get(), rn0 = resourcesSent.get(), rr0 = responses.get(), rq0 = requestBytes.get();
            for (int i = 0; i < resumes.length; i++) {
                syncTook.clear();
                resumes[i] = connectAll();
                resumeStreams[i] = syncTook.stream().mapToLong(Long::longValue).max().orElseThrow();
                disconnectAll();
            }
            LatencyStats rp = LatencyStats.ofNanos(resumeStreams);
            System.out.printf("resume with no change, %d zones at once, from the streams opening (protocol), slowest zone per round: p50 %.1f ms, max %.1f ms%n",
                    zones, rp.p50Ms(), rp.maxMs());
            LatencyStats r = LatencyStats.ofNanos(resumes);
            System.out.printf("resume with no change, %d zones holding %d resources, %d rounds: until every zone synced p50 %.1f ms, max %.1f ms; %d resources sent, %d bytes in %d responses (empty ACK-able responses); zones sent %d request bytes per zone per resume%n",
                    zones, resources, resumes.length, r.p50Ms(), r.maxMs(), resourcesSent.get() - rn0, bytes.get() - rb0, responses.get() - rr0,
                    (requestBytes.get() - rq0) / resumes.length / zones);
        }

        LatencyStats resumeOneZone(ResourceSink sink, int rounds) throws Exception {
            long[] samples = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                CountDownLatch synced = new CountDownLatch(1);
                long t = System.nanoTime();
                AutoCloseable c = connect("zone-1", zoneStores.getFirst(), sink, synced);
                if (!synced.await(2, TimeUnit.MINUTES)) throw new IllegalStateException("zone-1 did not resume");
                samples[i] = System.nanoTime() - t;
                c.close();
            }
            return LatencyStats.ofNanos(samples);
        }

        /** {@code sink} with its digests off by one: every subscription is answered "send your versions". */
        static ResourceSink staleDigest(ResourceSink sink) {
            return new ResourceSink() {
                @Override
                public VersionDigest digest(ResourceType type) {
                    VersionDigest d = sink.digest(type);
                    return d.count() == 0 ? d : new VersionDigest(d.count(), d.high(), d.low() + 1);
                }

                @Override
                public Map<String, String> versions(ResourceType type) {
                    return sink.versions(type);
                }

                @Override
                public Map<String, String> apply(ResourceType type, List<DeltaReceiver.Incoming> upserts, List<String> removals) {
                    return sink.apply(type, upserts, removals);
                }
            };
        }

        void awaitIndexed(int resources) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (index.size() < resources + 1) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("index did not load");
                Thread.sleep(10); // polling a deadline-bounded condition
            }
        }

        @Override
        public void close() throws Exception {
            disconnectAll();
            server.shutdownNow();
            index.close();
            timer.shutdownNow();
            workers.shutdownNow();
        }
    }

    static void put(InMemoryStore store, String yaml) {
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        store.put(r, Precondition.ANY).toCompletableFuture().join();
    }

    static String timeout(String name, String idle) {
        return PolicyBodies.meshWideIdleTimeout(name, idle);
    }
}
