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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingress's cost, measured side by side in one run on loopback: the same gRPC load straight to a backend and
 * through the ingress (h2c, routed by authority), alternating phases so both see the same machine state.
 * <ul>
 *   <li>unary: {@code clients} threads, one channel each, small request/response; requests/s and latency percentiles;</li>
 *   <li>bulk: one client-streaming call sending 64 KiB messages for the phase; MB/s received by the backend.</li>
 * </ul>
 * Usage: {@code IngressBenchmark [clients=16] [seconds per phase=5] [rounds=2]}.
 */
public final class IngressBenchmark {
    static final MethodDescriptor<byte[], byte[]> UNARY = method("bench.Echo/Unary", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> BULK = method("bench.Echo/Bulk", MethodDescriptor.MethodType.CLIENT_STREAMING);

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        Duration phase = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
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
        System.out.printf("Ingress benchmark: loopback, %d cores, Java %s; ingress io threads %d; %d unary clients; %s per phase, %d rounds%n",
                rt.availableProcessors(), System.getProperty("java.version"), settings.ioThreads(), clients, phase, rounds);
        try {
            unary("warm-up direct", backend.getPort(), clients, Duration.ofSeconds(2));
            unary("warm-up ingress", ingressPort, clients, Duration.ofSeconds(2));
            List<Result> direct = new ArrayList<>();
            List<Result> via = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                direct.add(unary("direct", backend.getPort(), clients, phase));
                via.add(unary("ingress", ingressPort, clients, phase));
            }
            Result d = best(direct);
            Result i = best(via);
            System.out.printf("%nunary (best round)   req/s     p50 ms   p99 ms%n");
            System.out.printf("  direct         %9.0f  %8.3f %8.3f%n", d.rate, d.latency.p50Ms(), d.latency.p99Ms());
            System.out.printf("  via ingress    %9.0f  %8.3f %8.3f%n", i.rate, i.latency.p50Ms(), i.latency.p99Ms());
            System.out.printf("  ingress adds p50 %+.3f ms, p99 %+.3f ms; throughput %.0f%% of direct%n",
                    i.latency.p50Ms() - d.latency.p50Ms(), i.latency.p99Ms() - d.latency.p99Ms(), 100.0 * i.rate / d.rate);
            double bd = 0, bi = 0;
            for (int r = 0; r < rounds; r++) {
                bd = Math.max(bd, bulk(backend.getPort(), phase, bulkBytes));
                bi = Math.max(bi, bulk(ingressPort, phase, bulkBytes));
            }
            System.out.printf("%nbulk stream (64 KiB messages, one call, best round)%n  direct      %8.0f MB/s%n  via ingress %8.0f MB/s (%.0f%% of direct)%n",
                    bd, bi, 100 * bi / bd);
        } finally {
            ingress.close();
            backend.shutdownNow();
        }
    }

    record Result(double rate, LatencyStats latency) {
    }

    static Result best(List<Result> rs) {
        return rs.stream().max((a, b) -> Double.compare(a.rate, b.rate)).orElseThrow();
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
        System.out.printf("  %-16s %9.0f req/s  p50 %.3f ms  p99 %.3f ms%n", label, r.rate, stats.p50Ms(), stats.p99Ms());
        return r;
    }

    static double bulk(int port, Duration phase, AtomicLong received) throws Exception {
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
            System.out.printf("  bulk port %-6d %8.0f MB/s%n", port, mbps);
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
