package dev.ursa.bench;

import dev.ursa.ingress.proxy.IngressProxy;
import dev.ursa.ingress.proxy.ProxyMetrics;
import dev.ursa.ingress.proxy.ProxySettings;
import dev.ursa.ingress.route.Route;
import dev.ursa.ingress.route.RoutingTable;
import dev.ursa.ingress.route.Upstream;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingress's cost, measured side by side in one run on loopback: the same gRPC load straight to a backend and
 * through the ingress (h2c, routed by authority), in <b>paired rounds</b>: each round runs the direct phase and the
 * via-ingress phase back to back (which goes first alternates between rounds), so both halves of a pair see the same
 * machine state, and the figure is the median over rounds of the per-round ratios (via ingress / direct), with their
 * spread (min-max). A best-of-N per path would pair a quiet moment of one path with a busy moment of the other.
 * <ul>
 *   <li>unary: {@code clients} threads, one channel each, 100-byte request/response; requests/s and latency percentiles;</li>
 *   <li>bulk: one client-streaming call sending 64 KiB messages for the phase; MB/s received by the backend.</li>
 * </ul>
 * Usage: {@code IngressBenchmark [clients=16] [seconds per phase=5] [rounds=5]}; raw figures of every round go to
 * {@code benchmarks/target/results/ingress-<timestamp>.json} ({@link Results}).
 */
public final class IngressBenchmark {
    static final MethodDescriptor<byte[], byte[]> UNARY = method("bench.Echo/Unary", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> BULK = method("bench.Echo/Bulk", MethodDescriptor.MethodType.CLIENT_STREAMING);
    /** Unmeasured phase per path before the rounds (JIT). */
    static final Duration WARMUP = Duration.ofSeconds(2);

    /** One round: both paths back to back. */
    public record Round(int round, String firstPath, Result direct, Result viaIngress, double throughputRatio, double p50Ratio,
                        double p99Ratio, double p50AddsMs, double p99AddsMs) {
        static Round of(int round, String first, Result d, Result i) {
            return new Round(round, first, d, i, Results.round(i.rate() / d.rate()), Results.round(i.latency().p50Ms() / d.latency().p50Ms()),
                    Results.round(i.latency().p99Ms() / d.latency().p99Ms()), Results.round(i.latency().p50Ms() - d.latency().p50Ms()),
                    Results.round(i.latency().p99Ms() - d.latency().p99Ms()));
        }
    }

    public record BulkRound(int round, String firstPath, double directMBps, double viaIngressMBps, double ratio) {
    }

    /** Medians over rounds of the per-round ratios (via ingress / direct) and differences, with min-max. */
    public record Summary(Results.Spread unaryThroughputRatio, Results.Spread unaryP50Ratio, Results.Spread unaryP99Ratio,
                          Results.Spread unaryP50AddsMs, Results.Spread unaryP99AddsMs, Results.Spread directUnaryRate,
                          Results.Spread viaIngressUnaryRate, Results.Spread bulkRatio, Results.Spread directBulkMBps,
                          Results.Spread viaIngressBulkMBps) {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        Duration phase = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        if (clients < 1 || rounds < 1 || phase.isZero()) throw new IllegalArgumentException("clients, seconds and rounds must be >= 1");
        Results results = Results.start("ingress");
        AtomicLong bulkBytes = new AtomicLong();
        Server backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("bench.Echo")
                        .addMethod(UNARY, ServerCalls.asyncUnaryCall((req, out) -> {
                            out.onNext(req);
                            out.onCompleted();
                        }))
                        .addMethod(BULK, ServerCalls.asyncClientStreamingCall(out -> new StreamObserver<byte[]>() {
                            public void onNext(byte[] b) {
                                bulkBytes.addAndGet(b.length);
                            }

                            public void onError(Throwable t) {
                            }

                            public void onCompleted() {
                                out.onNext(new byte[0]);
                                out.onCompleted();
                            }
                        })).build())
                .build().start();
        Route route = new Route("backend.default.bench.ursa", "default", "backend", List.of(new Upstream("127.0.0.1", backend.getPort(), 1)));
        RoutingTable table = new RoutingTable("bench", Map.of(route.name(), route), Map.of("backend", route));
        ProxySettings settings = ProxySettings.defaults(0);
        IngressProxy ingress = new IngressProxy(settings, () -> table, new ProxyMetrics(new SimpleMeterRegistry()));
        int ingressPort = ingress.start();
        Runtime rt = Runtime.getRuntime();
        System.out.printf("Ingress benchmark: loopback, %d cores, Java %s; ingress io threads %d; %d unary clients; %s per phase, %d paired rounds; load average %s%n",
                rt.availableProcessors(), System.getProperty("java.version"), settings.ioThreads(), clients, phase, rounds, results.loadBefore());
        List<Round> unaryRounds = new ArrayList<>();
        List<BulkRound> bulkRounds = new ArrayList<>();
        try {
            unary("warm-up direct", backend.getPort(), clients, WARMUP);
            unary("warm-up ingress", ingressPort, clients, WARMUP);
            for (int r = 1; r <= rounds; r++) {
                boolean directFirst = r % 2 == 1;
                Result d;
                Result i;
                if (directFirst) {
                    d = unary("round " + r + " direct", backend.getPort(), clients, phase);
                    i = unary("round " + r + " ingress", ingressPort, clients, phase);
                } else {
                    i = unary("round " + r + " ingress", ingressPort, clients, phase);
                    d = unary("round " + r + " direct", backend.getPort(), clients, phase);
                }
                unaryRounds.add(Round.of(r, directFirst ? "direct" : "ingress", d, i));
            }
            for (int r = 1; r <= rounds; r++) {
                boolean directFirst = r % 2 == 1;
                double bd;
                double bi;
                if (directFirst) {
                    bd = bulk("round " + r + " direct", backend.getPort(), phase, bulkBytes);
                    bi = bulk("round " + r + " ingress", ingressPort, phase, bulkBytes);
                } else {
                    bi = bulk("round " + r + " ingress", ingressPort, phase, bulkBytes);
                    bd = bulk("round " + r + " direct", backend.getPort(), phase, bulkBytes);
                }
                bulkRounds.add(new BulkRound(r, directFirst ? "direct" : "ingress", Results.round(bd), Results.round(bi), Results.round(bi / bd)));
            }
        } finally {
            ingress.close();
            backend.shutdownNow();
        }
        Summary s = new Summary(
                spread(unaryRounds, Round::throughputRatio), spread(unaryRounds, Round::p50Ratio), spread(unaryRounds, Round::p99Ratio),
                spread(unaryRounds, Round::p50AddsMs), spread(unaryRounds, Round::p99AddsMs),
                spread(unaryRounds, x -> x.direct().rate()), spread(unaryRounds, x -> x.viaIngress().rate()),
                spread(bulkRounds, BulkRound::ratio), spread(bulkRounds, BulkRound::directMBps), spread(bulkRounds, BulkRound::viaIngressMBps));
        System.out.printf("%nunary, %d paired rounds (direct and via ingress back to back); median over rounds [min-max]%n", rounds);
        System.out.printf("  direct req/s          %10.0f  [%.0f-%.0f]%n", s.directUnaryRate().median(), s.directUnaryRate().min(), s.directUnaryRate().max());
        System.out.printf("  via ingress req/s     %10.0f  [%.0f-%.0f]%n", s.viaIngressUnaryRate().median(), s.viaIngressUnaryRate().min(), s.viaIngressUnaryRate().max());
        System.out.printf("  throughput ratio      %10.3f  [%.3f-%.3f]  (via ingress / direct, per round)%n", s.unaryThroughputRatio().median(),
                s.unaryThroughputRatio().min(), s.unaryThroughputRatio().max());
        System.out.printf("  p50 latency ratio     %10.3f  [%.3f-%.3f]  ingress adds %+.3f ms [%+.3f to %+.3f]%n", s.unaryP50Ratio().median(),
                s.unaryP50Ratio().min(), s.unaryP50Ratio().max(), s.unaryP50AddsMs().median(), s.unaryP50AddsMs().min(), s.unaryP50AddsMs().max());
        System.out.printf("  p99 latency ratio     %10.3f  [%.3f-%.3f]  ingress adds %+.3f ms [%+.3f to %+.3f]%n", s.unaryP99Ratio().median(),
                s.unaryP99Ratio().min(), s.unaryP99Ratio().max(), s.unaryP99AddsMs().median(), s.unaryP99AddsMs().min(), s.unaryP99AddsMs().max());
        System.out.printf("bulk stream (64 KiB messages, one call), %d paired rounds%n", rounds);
        System.out.printf("  direct MB/s           %10.0f  [%.0f-%.0f]%n", s.directBulkMBps().median(), s.directBulkMBps().min(), s.directBulkMBps().max());
        System.out.printf("  via ingress MB/s      %10.0f  [%.0f-%.0f]%n", s.viaIngressBulkMBps().median(), s.viaIngressBulkMBps().min(), s.viaIngressBulkMBps().max());
        System.out.printf("  MB/s ratio            %10.3f  [%.3f-%.3f]  (via ingress / direct, per round)%n", s.bulkRatio().median(),
                s.bulkRatio().min(), s.bulkRatio().max());

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("clients", clients);
        params.put("secondsPerPhase", phase.toSeconds());
        params.put("rounds", rounds);
        params.put("warmupSecondsPerPath", WARMUP.toSeconds());
        params.put("ingressIoThreads", settings.ioThreads());
        params.put("unary", "one channel per client thread, closed loop, 100-byte request and response, h2c");
        params.put("bulk", "one client-streaming call, 64 KiB messages as fast as flow control allows");
        params.put("pairing", "each round runs both paths back to back; odd rounds direct first, even rounds via ingress first; "
                + "ratios are via ingress / direct within a round, summarised by their median and min-max over rounds");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("summary", s);
        doc.put("unaryRounds", unaryRounds);
        doc.put("bulkRounds", bulkRounds);
        Path file = results.write("clients, ingress and backend share the machine's " + rt.availableProcessors() + " cores", params, doc);
        System.out.printf("%nJSON: %s%n", file);
    }

    public record Result(double rate, LatencyStats latency) {
    }

    private static <T> Results.Spread spread(List<T> rounds, java.util.function.ToDoubleFunction<T> f) {
        return Results.Spread.of(rounds.stream().mapToDouble(f).toArray());
    }

    static Result unary(String label, int port, int clients, Duration phase) throws Exception {
        List<ManagedChannel> channels = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().overrideAuthority("backend").build());
        }
        long[][] samples = new long[clients][];
        int[] counts = new int[clients];
        long end = System.nanoTime() + phase.toNanos();
        CountDownLatch done = new CountDownLatch(clients);
        byte[] payload = new byte[100];
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread.ofPlatform().start(() -> {
                long[] s = new long[1 << 16];
                int n = 0;
                try {
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        ClientCalls.blockingUnaryCall(channels.get(id), UNARY, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), payload);
                        if (n == s.length) s = java.util.Arrays.copyOf(s, n * 2);
                        s[n++] = System.nanoTime() - t;
                    }
                } finally {
                    samples[id] = s;
                    counts[id] = n;
                    done.countDown();
                }
            });
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        channels.forEach(ManagedChannel::shutdownNow);
        int total = 0;
        for (int n : counts) total += n;
        long[] all = new long[total];
        int k = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(samples[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        LatencyStats stats = LatencyStats.ofNanos(all);
        Result r = new Result(total / seconds, stats);
        System.out.printf("  %-18s %9.0f req/s  p50 %.3f ms  p99 %.3f ms%n", label, r.rate, stats.p50Ms(), stats.p99Ms());
        return r;
    }

    static double bulk(String label, int port, Duration phase, AtomicLong received) throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().overrideAuthority("backend").build();
        try {
            byte[] chunk = new byte[64 * 1024];
            CountDownLatch finished = new CountDownLatch(1);
            var call = ch.newCall(BULK, CallOptions.DEFAULT);
            StreamObserver<byte[]> out = ClientCalls.asyncClientStreamingCall(call, new StreamObserver<>() {
                public void onNext(byte[] v) {
                }

                public void onError(Throwable t) {
                    finished.countDown();
                }

                public void onCompleted() {
                    finished.countDown();
                }
            });
            var flow = (io.grpc.stub.ClientCallStreamObserver<byte[]>) out;
            long before = received.get();
            long start = System.nanoTime();
            long end = start + phase.toNanos();
            while (System.nanoTime() < end) {
                if (flow.isReady()) out.onNext(chunk); else Thread.onSpinWait(); // respects gRPC flow control
            }
            out.onCompleted();
            finished.await(30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            double mbps = (received.get() - before) / 1e6 / seconds;
            System.out.printf("  bulk %-18s %8.0f MB/s%n", label, mbps);
            return mbps;
        } finally {
            ch.shutdownNow();
        }
    }

    static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            public InputStream stream(byte[] v) {
                return new ByteArrayInputStream(v);
            }

            public byte[] parse(InputStream in) {
                try {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(name)
                .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
    }
}
