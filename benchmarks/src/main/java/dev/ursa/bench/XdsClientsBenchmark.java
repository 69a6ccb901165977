package dev.ursa.bench;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.zone.xds.XdsEngine;
import dev.ursa.zone.xds.XdsSettings;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * N simulated proxyless ADS clients against the zone's xDS engine, in one JVM over real gRPC (HTTP/2 on loopback)
 * streams ({@link AdsClientFleet}). Each client subscribes to LDS, RDS, CDS and EDS for one service and ACKs every response, like grpc-java.
 * Measures (1) heap per connected client after GC (server and client side together, so an upper bound for the
 * server), (2) from a policy change to the ACK of the new route config by every client: p50 / p99 / max.
 *
 * Raw figures: {@code benchmarks/target/results/xds-clients-<timestamp>.json} ({@link Results}).
 *
 * <pre>java -cp ... dev.ursa.bench.XdsClientsBenchmark 1000 5000</pre>
 */
public final class XdsClientsBenchmark {
    private static final int CHANNELS = 16;
    private static final int CHANGES = Integer.getInteger("ursa.bench.changes", 30);
    /** Changes made first and not measured: the JIT needs about this many before the push path runs compiled. */
    private static final int WARMUP = Integer.getInteger("ursa.bench.warmup", 20);
    /** Pause after every client ACKed a change, as in the federation runner. */
    private static final long SETTLE_MS = Long.getLong("ursa.bench.settle-ms", 100);

    /** One size: {@code latency} is over clients x changes, each from the store write to that client's ACK of the new routes. */
    public record Result(int clients, long connectAndConfigureMs, double heapPerClientKb, int changes, int warmupChanges, long settleMs,
                         LatencyStats latency, List<Long> slowestAckPerChangeMs) {
    }

    public static void main(String[] args) throws Exception {
        logLikeTheZone();
        Results results = Results.start("xds-clients");
        int[] sizes = args.length == 0 ? new int[]{1000, 5000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        List<Result> out = new ArrayList<>();
        for (int n : sizes) out.add(run(n));
        java.util.Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("clients", Arrays.stream(sizes).boxed().toList());
        params.put("changes", CHANGES);
        params.put("warmupChanges", WARMUP);
        params.put("settleMs", SETTLE_MS);
        params.put("connections", CHANNELS);
        params.put("clientsAre", "SotW ADS streams (LDS, RDS, CDS, EDS for one service), ACK every response, in the same JVM as the xDS engine");
        System.out.println("JSON: " + results.write("the xDS engine and its simulated clients share one JVM on the machine's "
                + Runtime.getRuntime().availableProcessors() + " cores", params, out));
    }

    static Result run(int n) throws Exception {
        InMemoryStore store = new InMemoryStore();
        put(store, "type: Mesh\nname: default\n");
        for (int i = 1; i <= 3; i++) {
            put(store, """
                    type: Dataplane
                    mesh: default
                    name: backend-%d
                    networking:
                      address: 10.0.0.%d
                      inbound:
                        - port: 8080
                          tags: {kuma.io/service: backend, kuma.io/protocol: grpc}
                    """.formatted(i, i));
        }
        put(store, timeout("1s"));
        XdsEngine engine = new XdsEngine(store, new XdsSettings("zone-1", true, Duration.ofSeconds(30), Duration.ofMillis(10)), new SimpleMeterRegistry());
        engine.start();
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(engine.ads()).build().start();
        long heapBefore = usedHeapAfterGc();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add("default.client-" + i);
        long t0 = System.nanoTime();
        AdsClientFleet fleet = AdsClientFleet.connect("localhost:" + server.getPort(), CHANNELS, ids, "backend");
        List<AdsClient> clients = fleet.clients();
        AdsClient.awaitAll(clients, AdsClient::configured, Duration.ofMinutes(2));
        long connectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long heapAfter = usedHeapAfterGc();
        double perClientKb = (heapAfter - heapBefore) / 1024.0 / n;

        List<Long> latencies = new ArrayList<>();
        List<String> perChange = new ArrayList<>();
        List<Long> slowestMs = new ArrayList<>();
        for (int change = -WARMUP; change < CHANGES; change++) {
            String before = clients.getFirst().acked(AdsClient.RDS);
            for (AdsClient c : clients) c.markChange(before);
            long start = System.nanoTime();
            put(store, timeout((2 + WARMUP + change) + "s"));
            AdsClient.awaitAll(clients, c -> c.changeAckNanos() > 0, Duration.ofMinutes(1));
            Thread.sleep(SETTLE_MS); // think time: the server processes the ACKs before the next change (isolated changes)
            if (change < 0) continue;
            long slowest = 0;
            for (AdsClient c : clients) {
                latencies.add(c.changeAckNanos() - start);
                slowest = Math.max(slowest, c.changeAckNanos() - start);
            }
            perChange.add(String.format("%.0f", ms(slowest)));
            slowestMs.add(Math.round(ms(slowest)));
        }
        latencies.sort(null);
        System.out.printf("xds-clients n=%d connect+initial-config=%d ms heap/client=%.1f KB | policy change -> ACK by every client "
                        + "(%d changes after %d warm-up, %d ms apart): p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
                n, connectMs, perClientKb, CHANGES, WARMUP, SETTLE_MS, ms(pct(latencies, 50)), ms(pct(latencies, 99)), ms(latencies.getLast()));
        System.out.println("  slowest ACK per change (ms): " + String.join(" ", perChange));
        fleet.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        engine.close();
        return new Result(n, connectMs, Math.round(perClientKb * 10) / 10.0, CHANGES, WARMUP, SETTLE_MS,
                LatencyStats.ofNanos(latencies.stream().mapToLong(Long::longValue).toArray()), slowestMs);
    }

    /**
     * Logs at INFO, as the zone CP does. Outside a Quarkus app the bootstrap's initial log configurator leaves every
     * logger at ALL and queues records for a handler that is never started: each stream request, HTTP/2 frame and watch
     * would be formatted and queued under one lock, which the zone never does (and which dominated the first figures).
     * Package-private: every runner that loads zone or gRPC code in its own JVM calls it first.
     */
    static void logLikeTheZone() {
        org.jboss.logmanager.LogContext.getLogContext().getLogger("").setLevel(java.util.logging.Level.INFO);
    }

    private static String timeout(String requestTimeout) {
        return PolicyBodies.backendRequestTimeout(requestTimeout);
    }

    private static void put(InMemoryStore store, String yaml) throws Exception {
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        store.put(r, Precondition.ANY).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200); // lets the collector and reference processing settle before reading the heap
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
