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
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
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
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
 *       changes with a think time; one federation per batching window given (e.g. 20 ms and 0 = off), all up at once,
 *       <b>interleaved</b>: change k goes to each federation in turn before change k+1, so every window sees the same
 *       machine state (as the federation runner alternates its federations)</li>
 *   <li>full resync: N empty zones connect to a global holding R resources, until every zone reports synced (one
 *       sample); one empty zone alone, {@code ursa.bench.full-repeats} times (5)</li>
 *   <li>resume with no change, one zone: three variants <b>interleaved round by round</b> (the order rotates each
 *       round), {@code ursa.bench.resume-rounds} measured rounds (10) after {@code ursa.bench.resume-warmup-rounds} (5):
 *       {@link ResumeKind#DIGEST} (the protocol), {@link ResumeKind#DIGEST_MISMATCH} and
 *       {@link ResumeKind#VERSIONS_IN_SUBSCRIPTION} (baselines; see each for exactly what it is)</li>
 *   <li>resume with no change, all N zones at once (digest), 5 rounds</li>
 *   <li>bytes: serialized size of the DeltaDiscoveryResponses the global sent and of the requests the zones sent
 *       (HTTP/2 framing not counted)</li>
 * </ol>
 * Raw figures: {@code benchmarks/target/results/kds-<timestamp>.json} ({@link Results}).
 * <pre>java -cp benchmarks/target/benchmarks.jar:benchmarks/target/lib/* dev.ursa.bench.KdsBenchmark [zones=10] [resources=10000] [changes=300] [windows ms...=20 0]</pre>
 */
public final class KdsBenchmark {
    private static final String TIMEOUTS = KdsTypes.TYPE_URL_PREFIX + "MeshTimeout";
    /** Pause after each measured change, longer than any window measured: isolated changes, as operators make them. */
    private static final long THINK_MS = 30;
    private static final int RESUME_ROUNDS = Integer.getInteger("ursa.bench.resume-rounds", 10);
    private static final int RESUME_WARMUP_ROUNDS = Integer.getInteger("ursa.bench.resume-warmup-rounds", 5);
    private static final int FULL_REPEATS = Integer.getInteger("ursa.bench.full-repeats", 5);
    private static final int ALL_ZONES_RESUME_ROUNDS = 5;

    /** The ways one zone resumes in the interleaved comparison. */
    public enum ResumeKind {
        /** Today's protocol: the subscription carries one {@code #digest} per type; the global finds it equal and answers with one empty response per type. */
        DIGEST("digest", "resume by digest (the protocol): one #digest entry per type; equal, so the global answers with one empty response per type"),
        /**
         * Baseline: the zone's digest is forced to differ (off by one), so the global answers "send your versions" and the zone
         * subscribes again with every version it holds; the global diffs them and sends nothing. This is what a zone that
         * missed changes does ("resume when digests differ: the zone then sends every version"); it is NOT the protocol from
         * before digests (that one has no extra round trip).
         */
        DIGEST_MISMATCH("digest mismatch, then every version",
                "resume when digests differ (forced: the zone's digest is off by one): the global asks for the versions, the zone then "
                        + "sends every version it holds (one extra round trip per type); not the pre-digest protocol"),
        /**
         * Baseline: the first subscription carries every version the zone holds, as zones subscribed before digests (before
         * commit 2fb5179). The code has no switch for the old protocol; this runner rewrites the zone's subscription on the
         * wire. Today's global still accepts that form (zones of older versions send it), so the global side runs today's
         * code: it is the old protocol's message flow, not the old build (whose global also listed its store page by page
         * and sorted every name on a full diff, fixed in the same commit), so it understates the old build's time.
         */
        VERSIONS_IN_SUBSCRIPTION("every version in the subscription (pre-digest wire form)",
                "the zone's first subscription carries every version it holds, as before digests (emulated: this runner rewrites the "
                        + "subscription; the code has no switch for the old protocol); against today's global, which still accepts it");

        final String label;
        final String description;

        ResumeKind(String label, String description) {
            this.label = label;
            this.description = description;
        }
    }

    public record ChangeAck(int windowMs, int zones, int changes, int warmupChanges, LatencyStats latency, double bytesPerZonePerChange,
                            Double p50RatioToFirst, Double p99RatioToFirst) {
    }

    public record FullResync(long resources, int zones, double allZonesMs, long resourcesSent, double mebibytes, double bytesPerResource,
                             int oneZoneRepeats, LatencyStats oneZone, List<Double> oneZoneEachMs) {
    }

    public record ResumeVariant(String kind, String label, String description, LatencyStats untilSynced, LatencyStats protocol,
                                long requestBytesPerResume, long resourcesSentPerResume, List<Double> untilSyncedEachMs) {
    }

    public record ResumeOneZone(long resources, int rounds, int warmupRounds, String interleaving, List<ResumeVariant> variants,
                                Map<String, Results.Spread> ratioToDigestPerRound) {
    }

    public record ResumeAllZones(int zones, int rounds, LatencyStats untilAllSynced, LatencyStats protocolSlowestZone, long resourcesSent,
                                 long responseBytes, long responses, long requestBytesPerZonePerResume) {
    }

    public static void main(String[] args) throws Exception {
        int zones = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int resources = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int changes = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        List<Integer> windows = new ArrayList<>();
        for (int i = 3; i < args.length; i++) windows.add(Integer.parseInt(args[i]));
        if (windows.isEmpty()) windows = List.of(20, 0);
        Results results = Results.start("kds");
        Machine m = results.machine();
        System.out.printf("KDS benchmark: global -> %d zones in one JVM over real gRPC (loopback), in-memory stores; %d cores, %s, Java %s; load average %s%n",
                zones, m.cores(), m.cpuModel(), m.javaVersion(), results.loadBefore());
        Map<String, Object> doc = new LinkedHashMap<>();
        List<Federation> feds = new ArrayList<>();
        try {
            for (int window : windows) feds.add(new Federation(zones, Duration.ofMillis(window)));
            doc.put("changeToAck", changeToAck(feds, windows, changes));
        } finally {
            for (Federation f : feds) f.close();
        }
        try (Federation f = new Federation(zones, Duration.ofMillis(windows.getFirst()))) {
            f.resyncAndResume(resources, doc);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("zones", zones);
        params.put("resources", resources);
        params.put("changes", changes);
        params.put("warmupChanges", Math.min(50, changes / 5));
        params.put("thinkMs", THINK_MS);
        params.put("batchWindowsMs", windows);
        params.put("resumeRounds", RESUME_ROUNDS);
        params.put("resumeWarmupRounds", RESUME_WARMUP_ROUNDS);
        params.put("fullResyncOneZoneRepeats", FULL_REPEATS);
        params.put("allZonesResumeRounds", ALL_ZONES_RESUME_ROUNDS);
        params.put("resumeKinds", Arrays.stream(ResumeKind.values()).collect(java.util.stream.Collectors.toMap(Enum::name, k -> k.description,
                (x, y) -> x, LinkedHashMap::new)));
        Path file = results.write("the global, the zones and their stores are in one JVM on the machine's " + m.cores() + " cores", params, doc);
        System.out.printf("%nJSON: %s%n", file);
        System.exit(0);
    }

    /** Change k goes to every federation (one per window) in turn before change k+1; each change is ACKed by all zones, then a think time. */
    static List<ChangeAck> changeToAck(List<Federation> feds, List<Integer> windows, int changes) throws Exception {
        for (Federation f : feds) f.connectAll();
        int warmup = Math.min(50, changes / 5);
        long[][] samples = new long[feds.size()][changes];
        long[] bytesBefore = new long[feds.size()];
        for (int i = -warmup; i < changes; i++) {
            for (int w = 0; w < feds.size(); w++) {
                Federation f = feds.get(w);
                if (i == 0) bytesBefore[w] = f.bytes.get();
                long took = f.change(i, warmup);
                if (i >= 0) samples[w][i] = took;
                Thread.sleep(THINK_MS); // think time between changes (pacing): each change meets a quiet stream
            }
        }
        List<ChangeAck> out = new ArrayList<>();
        for (int w = 0; w < feds.size(); w++) {
            Federation f = feds.get(w);
            LatencyStats s = LatencyStats.ofNanos(samples[w]);
            LatencyStats first = out.isEmpty() ? s : out.getFirst().latency();
            out.add(new ChangeAck(windows.get(w), f.zones, changes, warmup, s, Results.round((f.bytes.get() - bytesBefore[w]) / (double) changes / f.zones),
                    w == 0 ? null : Results.round(s.p50Ms() / first.p50Ms()), w == 0 ? null : Results.round(s.p99Ms() / first.p99Ms())));
            f.disconnectAll();
        }
        for (ChangeAck a : out) {
            System.out.printf("change-to-ACK, 1 change -> %d zones, batching window %d ms, %d changes after %d warm-up, interleaved with %s: "
                            + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %.0f bytes per zone per change%s%n",
                    a.zones(), a.windowMs(), a.changes(), a.warmupChanges(), windows.stream().filter(x -> x != a.windowMs()).map(x -> x + " ms").toList(),
                    a.latency().p50Ms(), a.latency().p90Ms(), a.latency().p99Ms(), a.latency().maxMs(), a.bytesPerZonePerChange(),
                    a.p50RatioToFirst() == null ? "" : String.format(" (p50 x%.2f, p99 x%.2f of %d ms)", a.p50RatioToFirst(), a.p99RatioToFirst(),
                            out.getFirst().windowMs()));
        }
        return out;
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
            for (int i = 0; i < zones; i++) connections.add(connect("zone-" + (i + 1), zoneStores.get(i), zoneSinks.get(i), synced, null));
            if (!synced.await(2, TimeUnit.MINUTES)) throw new IllegalStateException("zones did not sync within 2 minutes");
            return System.nanoTime() - t0;
        }

        void disconnectAll() throws Exception {
            for (AutoCloseable c : connections.reversed()) c.close();
            connections.clear();
        }

        AutoCloseable connect(String zone, InMemoryStore store, CountDownLatch synced) {
            return connect(zone, store, StoreSink.fromGlobal(store), synced, null);
        }

        /** @param rewrite an interceptor applied before the request bytes are counted (null: none) */
        AutoCloseable connect(String zone, InMemoryStore store, ResourceSink sink, CountDownLatch synced, ClientInterceptor rewrite) {
            ResourceIndex local = new ResourceIndex(store, KdsTypes.zoneToGlobal(),
                    r -> !KdsTypes.ORIGIN_GLOBAL.equals(r.meta().labels().get(KdsTypes.ORIGIN_LABEL))).start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                    .maxInboundMessageSize(4 * 1024 * 1024 + 64 * 1024).build();
            Metadata md = new Metadata();
            md.put(KdsGrpc.ZONE, zone);
            ClientInterceptor counting = new ClientInterceptor() {
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
            };
            // The last interceptor sees a call first: the rewrite happens before the counting.
            Channel withZone = rewrite == null
                    ? ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md), counting)
                    : ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md), counting, rewrite);
            KdsZoneClient client = new KdsZoneClient(withZone, local, sink, new KdsZoneClient.Settings(timer, workers, Clock.systemUTC(),
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1)), Duration.ofMillis(20), 1 << 20),
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

        /** Writes change {@code i} and waits until every zone ACKed it; returns the nanoseconds it took. */
        long change(int i, int warmup) throws Exception {
            CountDownLatch latch = new CountDownLatch(zones);
            acks.set(latch);
            long t0 = System.nanoTime();
            put(global, timeout("t" + (Math.floorMod(i, 20)), (i + warmup + 1) + "s"));
            if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("change " + i + " not ACKed by every zone");
            return System.nanoTime() - t0;
        }

        void resyncAndResume(int resources, Map<String, Object> doc) throws Exception {
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
            System.out.printf("full resync, %d resources (+1 mesh) -> %d empty zones at once (one sample): %.0f ms until every zone synced; %d resources sent, %.1f MiB (%.0f bytes per resource)%n",
                    resources, zones, full / 1e6, fullResources, fullBytes / 1048576.0, fullBytes / (double) fullResources);
            disconnectAll();

            long[] oneFull = new long[FULL_REPEATS];
            for (int i = 0; i < oneFull.length; i++) {
                CountDownLatch one = new CountDownLatch(1);
                InMemoryStore single = new InMemoryStore();
                long t1 = System.nanoTime();
                AutoCloseable c = connect("single", single, one);
                if (!one.await(2, TimeUnit.MINUTES)) throw new IllegalStateException("single zone did not sync");
                oneFull[i] = System.nanoTime() - t1;
                c.close();
            }
            LatencyStats oneFullStats = LatencyStats.ofNanos(oneFull);
            System.out.printf("full resync, %d resources -> 1 empty zone, %d times: p50 %.0f ms, max %.0f ms%n", resources, oneFull.length,
                    oneFullStats.p50Ms(), oneFullStats.maxMs());
            doc.put("fullResync", new FullResync(resources, zones, Results.round(full / 1e6), fullResources, Results.round(fullBytes / 1048576.0),
                    Results.round(fullBytes / (double) fullResources), oneFull.length, oneFullStats, eachMs(oneFull)));

            doc.put("resumeOneZone", resumeInterleaved(resources));

            long[] resumes = new long[ALL_ZONES_RESUME_ROUNDS];
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
            long reqPerZone = (requestBytes.get() - rq0) / resumes.length / zones;
            System.out.printf("resume with no change, %d zones holding %d resources, %d rounds: until every zone synced p50 %.1f ms, max %.1f ms; %d resources sent, %d bytes in %d responses (empty ACK-able responses); zones sent %d request bytes per zone per resume%n",
                    zones, resources, resumes.length, r.p50Ms(), r.maxMs(), resourcesSent.get() - rn0, bytes.get() - rb0, responses.get() - rr0, reqPerZone);
            doc.put("resumeAllZones", new ResumeAllZones(zones, resumes.length, r, rp, resourcesSent.get() - rn0, bytes.get() - rb0,
                    responses.get() - rr0, reqPerZone));
        }

        /**
         * Zone-1 resumes (new channel, same store) once per {@link ResumeKind} per round, the order rotating each round, so
         * the variants share the machine's state round by round; the first rounds warm up the JIT on every path.
         */
        ResumeOneZone resumeInterleaved(int resources) throws Exception {
            ResumeKind[] kinds = ResumeKind.values();
            int n = kinds.length;
            long[][] took = new long[n][RESUME_ROUNDS];
            long[][] protocol = new long[n][RESUME_ROUNDS];
            long[] reqBytes = new long[n];
            long[] sent = new long[n];
            for (int round = -RESUME_WARMUP_ROUNDS; round < RESUME_ROUNDS; round++) {
                for (int j = 0; j < n; j++) {
                    int k = Math.floorMod(round + j, n);
                    long q0 = requestBytes.get(), s0 = resourcesSent.get();
                    syncTook.clear();
                    long t = resumeOneZone(kinds[k]);
                    if (round < 0) continue;
                    took[k][round] = t;
                    protocol[k][round] = syncTook.stream().mapToLong(Long::longValue).max().orElseThrow();
                    reqBytes[k] += requestBytes.get() - q0;
                    sent[k] += resourcesSent.get() - s0;
                }
            }
            List<ResumeVariant> variants = new ArrayList<>();
            Map<String, Results.Spread> ratios = new LinkedHashMap<>();
            for (int k = 0; k < n; k++) {
                variants.add(new ResumeVariant(kinds[k].name(), kinds[k].label, kinds[k].description, LatencyStats.ofNanos(took[k]),
                        LatencyStats.ofNanos(protocol[k]), reqBytes[k] / RESUME_ROUNDS, sent[k] / RESUME_ROUNDS, eachMs(took[k])));
                if (k == 0) continue;
                double[] perRound = new double[RESUME_ROUNDS];
                for (int i = 0; i < RESUME_ROUNDS; i++) perRound[i] = took[k][i] / (double) took[0][i];
                ratios.put(kinds[k].name(), Results.Spread.of(perRound));
            }
            System.out.printf("resume with no change, 1 zone holding %d resources (new channel each time), %d rounds after %d warm-up, the %d variants "
                    + "interleaved (order rotating each round):%n", resources, RESUME_ROUNDS, RESUME_WARMUP_ROUNDS, n);
            for (int k = 0; k < n; k++) {
                ResumeVariant v = variants.get(k);
                Results.Spread ratio = ratios.get(kinds[k].name());
                System.out.printf("  %-58s until synced p50 %.1f / max %.1f ms; protocol (streams opened -> synced) p50 %.1f / max %.1f ms; %d request bytes, %d resources sent%s%n",
                        v.label(), v.untilSynced().p50Ms(), v.untilSynced().maxMs(), v.protocol().p50Ms(), v.protocol().maxMs(), v.requestBytesPerResume(),
                        v.resourcesSentPerResume(),
                        ratio == null ? "" : String.format("; x%.2f of digest (median per round, %.2f-%.2f)", ratio.median(), ratio.min(), ratio.max()));
            }
            System.out.println("  baselines: " + ResumeKind.DIGEST_MISMATCH.label + " = " + ResumeKind.DIGEST_MISMATCH.description + "; "
                    + ResumeKind.VERSIONS_IN_SUBSCRIPTION.label + " = " + ResumeKind.VERSIONS_IN_SUBSCRIPTION.description
                    + " (the old build's own figure needs the old build: see docs/benchmarks.md)");
            return new ResumeOneZone(resources, RESUME_ROUNDS, RESUME_WARMUP_ROUNDS, "round r runs every variant once, starting with variant r mod "
                    + n + " of " + Arrays.stream(kinds).map(Enum::name).toList(), variants, ratios);
        }

        /** One resume of zone-1 with its store, as {@code kind}; nanoseconds until synced (new channel included). */
        long resumeOneZone(ResumeKind kind) throws Exception {
            StoreSink sink = zoneSinks.getFirst();
            CountDownLatch synced = new CountDownLatch(1);
            long t = System.nanoTime();
            AutoCloseable c = switch (kind) {
                case DIGEST -> connect("zone-1", zoneStores.getFirst(), sink, synced, null);
                case DIGEST_MISMATCH -> connect("zone-1", zoneStores.getFirst(), staleDigest(sink), synced, null);
                case VERSIONS_IN_SUBSCRIPTION -> connect("zone-1", zoneStores.getFirst(), placeholderDigest(sink), synced, versionsInSubscription(sink));
            };
            if (!synced.await(2, TimeUnit.MINUTES)) throw new IllegalStateException("zone-1 did not resume (" + kind + ")");
            long took = System.nanoTime() - t;
            c.close();
            return took;
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

        /**
         * {@code sink} whose digest is a placeholder (count 1, never computed): {@link #versionsInSubscription} replaces
         * the subscription it goes into, so the zone does not pay for a digest the pre-digest protocol never computed.
         */
        static ResourceSink placeholderDigest(ResourceSink sink) {
            return new ResourceSink() {
                @Override
                public VersionDigest digest(ResourceType type) {
                    return new VersionDigest(1, 0, 0);
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

        /**
         * Rewrites each first subscription of the GlobalToZone stream ({@code #digest} entry, no nonce) into the pre-digest
         * form: {@code initial_resource_versions} = every version the zone holds ({@code sink.versions}, what
         * ReceiverSession sent before commit 2fb5179), computed when the subscription is sent, as it was then.
         */
        static ClientInterceptor versionsInSubscription(ResourceSink sink) {
            return new ClientInterceptor() {
                @Override
                public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                        @Override
                        @SuppressWarnings("unchecked")
                        public void sendMessage(Q message) {
                            if (message instanceof DeltaDiscoveryRequest r && r.getResponseNonce().isEmpty()
                                    && r.getInitialResourceVersionsMap().containsKey(VersionDigest.WIRE_NAME)) {
                                ResourceType type = KdsTypes.byTypeUrl(r.getTypeUrl()).orElseThrow();
                                message = (Q) r.toBuilder().clearInitialResourceVersions().putAllInitialResourceVersions(sink.versions(type)).build();
                            }
                            super.sendMessage(message);
                        }
                    };
                }
            };
        }

        static List<Double> eachMs(long[] nanos) {
            return Arrays.stream(nanos).mapToObj(x -> Results.round(x / 1e6)).toList();
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
