package dev.ursa.bench;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.zone.xds.XdsEngine;
import dev.ursa.zone.xds.XdsSettings;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
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
 * streams. Each client subscribes to LDS, RDS, CDS and EDS for one service and ACKs every response, like grpc-java.
 * Measures (1) heap per connected client after GC (server and client side together, so an upper bound for the
 * server), (2) from a policy change to the ACK of the new route config by every client: p50 / p99 / max.
 *
 * <pre>java -cp ... dev.ursa.bench.XdsClientsBenchmark 1000 5000</pre>
 */
public final class XdsClientsBenchmark {
    private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    private static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    private static final int CHANNELS = 16;
    private static final int CHANGES = Integer.getInteger("ursa.bench.changes", 10);

    public static void main(String[] args) throws Exception {
        logLikeTheZone();
        int[] sizes = args.length == 0 ? new int[]{1000, 5000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int n : sizes) run(n);
    }

    static void run(int n) throws Exception {
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
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < CHANNELS; i++) {
            channels.add(Grpc.newChannelBuilder("localhost:" + server.getPort(), InsecureChannelCredentials.create()).build());
        }
        long heapBefore = usedHeapAfterGc();
        List<Client> clients = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) clients.add(new Client("default.client-" + i, channels.get(i % CHANNELS)));
        awaitAll(clients, c -> c.acked(EDS) != null && c.acked(RDS) != null, Duration.ofMinutes(2));
        long connectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long heapAfter = usedHeapAfterGc();
        double perClientKb = (heapAfter - heapBefore) / 1024.0 / n;

        List<Long> latencies = new ArrayList<>();
        List<String> perChange = new ArrayList<>();
        for (int change = 0; change < CHANGES; change++) {
            String before = clients.getFirst().acked(RDS);
            long start = System.nanoTime();
            for (Client c : clients) c.markChange(start, before);
            put(store, timeout((2 + change) + "s"));
            awaitAll(clients, c -> c.changeAckNanos > 0, Duration.ofMinutes(1));
            long slowest = 0;
            for (Client c : clients) {
                latencies.add(c.changeAckNanos - start);
                slowest = Math.max(slowest, c.changeAckNanos - start);
            }
            perChange.add(String.format("%.0f", ms(slowest)));
        }
        latencies.sort(null);
        System.out.printf("xds-clients n=%d connect+initial-config=%d ms heap/client=%.1f KB | policy change -> ACK by every client "
                        + "(%d changes): p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
                n, connectMs, perClientKb, CHANGES, ms(pct(latencies, 50)), ms(pct(latencies, 99)), ms(latencies.getLast()));
        System.out.println("  slowest ACK per change (ms): " + String.join(" ", perChange));
        clients.forEach(Client::close);
        for (ManagedChannel ch : channels) ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        engine.close();
    }

    /**
     * Logs at INFO, as the zone CP does. Outside a Quarkus app the bootstrap's initial log configurator leaves every
     * logger at ALL and queues records for a handler that is never started: each stream request, HTTP/2 frame and watch
     * would be formatted and queued under one lock, which the zone never does (and which dominated the first figures).
     */
    private static void logLikeTheZone() {
        org.jboss.logmanager.LogContext.getLogContext().getLogger("").setLevel(java.util.logging.Level.INFO);
    }

    private static String timeout(String requestTimeout) {
        return """
                type: MeshTimeout
                mesh: default
                name: bench
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: MeshService, name: backend}
                      default:
                        http: {requestTimeout: %s}
                """.formatted(requestTimeout);
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

    private static void awaitAll(List<Client> clients, java.util.function.Predicate<Client> done, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!clients.stream().allMatch(done)) {
            if (System.nanoTime() > end) {
                long missing = clients.stream().filter(done.negate()).count();
                throw new IllegalStateException(missing + " clients not done after " + deadline);
            }
            Thread.sleep(1);
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** One lightweight ADS client: a single stream, ACKs everything, remembers the acked version per type. */
    static final class Client implements StreamObserver<DiscoveryResponse> {
        private final Node node;
        private final StreamObserver<DiscoveryRequest> requests;
        private final String[] acked = new String[4];
        private volatile String changeFrom;
        volatile long changeAckNanos;

        Client(String id, ManagedChannel channel) {
            this.node = Node.newBuilder().setId(id).setUserAgentName("gRPC Java").build();
            this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this);
            synchronized (this) {
                for (String type : List.of(LDS, RDS, CDS, EDS)) {
                    requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addResourceNames("backend").build());
                }
            }
        }

        String acked(String type) {
            return acked[index(type)];
        }

        void markChange(long start, String from) {
            changeAckNanos = 0;
            changeFrom = from;
        }

        @Override
        public synchronized void onNext(DiscoveryResponse r) {
            requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(r.getTypeUrl()).addResourceNames("backend")
                    .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
            acked[index(r.getTypeUrl())] = r.getVersionInfo();
            if (r.getTypeUrl().equals(RDS) && changeFrom != null && !r.getVersionInfo().equals(changeFrom)) {
                changeAckNanos = System.nanoTime();
                changeFrom = null;
            }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }

        void close() {
            synchronized (this) {
                requests.onCompleted();
            }
        }

        private static int index(String type) {
            return switch (type) {
                case LDS -> 0;
                case RDS -> 1;
                case CDS -> 2;
                default -> 3;
            };
        }
    }
}
