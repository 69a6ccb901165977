package dev.ursa.bench;

import dev.ursa.cp.pki.MeshCa;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.zone.xds.XdsEngine;
import dev.ursa.zone.xds.XdsSettings;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
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
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Workload certificate issuance at scale (issue 17): N Envoy-flavoured dataplanes (self-registered through node
 * metadata, 100 services) connect to the zone's xDS engine in one JVM over real gRPC streams; each subscribes to
 * listeners, clusters and its two SDS secrets and ACKs everything. Run once with mesh mTLS off and once on:
 * time until every dataplane is configured (mTLS on: has its certificate), process CPU per dataplane (until the engine
 * is quiet) and per certificate, heap per dataplane after GC once the engine is quiet (server and clients together: an
 * upper bound), then with a short
 * certificate lifetime the spread of renewals over time (the largest share of dataplanes renewing in any one second).
 *
 * <pre>java -Xmx6g -cp ... dev.ursa.bench.CertificateBenchmark 10000 120s</pre>
 * (clients, certificate lifetime for the renewal phase; renewals come at 60-80% of it)
 */
public final class CertificateBenchmark {
    private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    private static final String SDS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
    private static final List<String> SECRETS = List.of("identity_cert:secret:default", "mesh_ca:secret:default");
    private static final int CHANNELS = 16;
    private static final int SERVICES = 100;

    public record Result(String mtls, int dataplanes, long configuredMs, double cpuMsPerDataplane, double heapPerDataplaneKb,
                         Long certificates, Double issueMeanMs, Double issueMaxMs, LatencyStats streamToCertificate,
                         Map<String, Double> threadCpuMs, Map<String, Object> renewals) {
    }

    public static void main(String[] args) throws Exception {
        XdsClientsBenchmark.logLikeTheZone();
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String lifetime = args.length > 1 ? args[1] : "120s";
        Results results = Results.start("certificates");
        List<Result> out = new ArrayList<>();
        out.add(run(n, false, lifetime, true));
        out.add(run(n, true, lifetime, true));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("dataplanes", n);
        params.put("services", SERVICES);
        params.put("certificateLifetime", lifetime);
        params.put("renewFraction", 0.8);
        params.put("connections", CHANNELS);
        params.put("clientsAre", "SotW ADS streams (LDS, CDS, SDS identity + CA), Envoy flavour, self-registered, ACK every response, same JVM as the engine");
        System.out.println("JSON: " + results.write("the xDS engine and its simulated dataplanes share one JVM on the machine's "
                + Runtime.getRuntime().availableProcessors() + " cores", params, out));
    }

    /**
     * One phase: N dataplanes with mesh mTLS {@code mtls}; with {@code renewals} (mTLS on) it then waits for every first
     * renewal (up to the certificate lifetime plus 2 minutes) to measure their spread.
     */
    static Result run(int n, boolean mtls, String lifetime, boolean renewals) throws Exception {
        InMemoryStore store = new InMemoryStore();
        put(store, "type: Mesh\nname: default\n");
        if (mtls) meshWithBuiltinCa(store, lifetime);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        XdsEngine engine = new XdsEngine(store, new XdsSettings("zone-1", false, Duration.ofSeconds(30), Duration.ofMillis(10)), meters);
        engine.start();
        // An executor of our own (gRPC's default is a cached pool too) so the streams' close callbacks can be drained
        // before the engine closes: otherwise they land in a closed engine and log errors.
        ExecutorService calls = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("grpc-server-call-", 0).factory());
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).executor(calls).addService(engine.ads()).build().start();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < CHANNELS; i++) {
            channels.add(Grpc.newChannelBuilder("localhost:" + server.getPort(), InsecureChannelCredentials.create()).directExecutor().build());
        }
        long heapBefore = usedHeapAfterGc();
        long cpu0 = processCpuNanos();
        ThreadCpu threadCpu = ThreadCpu.start(ThreadCpu::zoneGroup);
        long t0 = System.nanoTime();
        List<Dataplane> dps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) dps.add(new Dataplane(i, channels.get(i % CHANNELS), mtls));
        awaitAll(dps, d -> d.configuredAt > 0, Duration.ofMinutes(10));
        long configuredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        awaitQuiet(meters);
        long cpuMs = TimeUnit.NANOSECONDS.toMillis(processCpuNanos() - cpu0);
        Map<String, Double> threadCpuMs = threadCpu.stop(ThreadCpu.ZONE_GROUPS);
        long heapAfter = usedHeapAfterGc();
        double heapKb = (heapAfter - heapBefore) / 1024.0 / n;
        Timer issue = meters.find("ursa_mtls_certificate_issue").timer();
        Long certs = issue == null ? null : issue.count();
        Double meanMs = issue == null || issue.count() == 0 ? null : round(issue.mean(TimeUnit.MILLISECONDS));
        Double maxMs = issue == null || issue.count() == 0 ? null : round(issue.max(TimeUnit.MILLISECONDS));
        System.out.printf("certificates mtls=%s n=%d configured in %d ms, CPU %.2f ms/dataplane, heap %.1f KB/dataplane, certificates %s (issue mean %s ms, max %s ms)%n",
                mtls ? "on" : "off", n, configuredMs, cpuMs / (double) n, heapKb, certs, meanMs, maxMs);
        // For a heap histogram of this moment (jmap -histo:live): -Dursa.bench.pause-ms=60000.
        Thread.sleep(Long.getLong("ursa.bench.pause-ms", 0));
        LatencyStats streamToCertificate = mtls ? LatencyStats.ofNanos(dps.stream().mapToLong(d -> d.sdsAt.get(0) - d.startedAt).toArray()) : null;
        if (streamToCertificate != null) {
            System.out.printf("  stream opened -> first certificate: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    streamToCertificate.p50Ms(), streamToCertificate.p99Ms(), streamToCertificate.maxMs());
        }
        Map<String, Object> renewalSpread = null;
        if (mtls && renewals) {
            try {
                renewalSpread = renewals(dps, lifetime);
            } catch (IllegalStateException e) {
                dps.stream().filter(d -> d.sdsAt.size() < 2).limit(3).forEach(d -> {
                    var r = engine.inspect(new dev.ursa.zone.xds.NodeId("default", d.node.getId().substring(8)), dev.ursa.zone.xds.Flavour.ENVOY).orElseThrow();
                    System.out.println("DEBUG " + d.node.getId() + " sds=" + d.sdsAt.size() + " cert=" + (r.certificate() == null ? null : r.certificate().renewAt() + " serial " + r.certificate().serial()) + " failure=" + r.failure() + " now=" + Instant.now());
                });
                throw e;
            }
        }
        // The server first: its streams end while the engine still runs (not into a closed engine).
        for (Dataplane d : dps) d.closing();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        calls.shutdown();
        calls.awaitTermination(10, TimeUnit.SECONDS);
        engine.close();
        for (ManagedChannel ch : channels) ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        return new Result(mtls ? "on" : "off", n, configuredMs, round(cpuMs / (double) n), round(heapKb), certs, meanMs, maxMs,
                streamToCertificate, threadCpuMs, renewalSpread);
    }

    /** Waits for every dataplane's first renewal; the share of dataplanes renewing in each second after the first one. */
    private static Map<String, Object> renewals(List<Dataplane> dps, String lifetime) throws InterruptedException {
        Duration life = Duration.parse("PT" + lifetime.toUpperCase());
        awaitAll(dps, d -> d.sdsAt.size() >= 2, life.plusMinutes(2));
        TreeMap<Long, Integer> perSecond = new TreeMap<>();
        long first = dps.stream().mapToLong(d -> d.sdsAt.get(1)).min().orElseThrow();
        long firstIssued = dps.stream().mapToLong(d -> d.sdsAt.get(0)).min().orElseThrow();
        for (Dataplane d : dps) perSecond.merge(TimeUnit.NANOSECONDS.toSeconds(d.sdsAt.get(1) - first), 1, Integer::sum);
        int max = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        long spanS = perSecond.lastKey() + 1;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("firstRenewalAfterFirstIssueS", round((first - firstIssued) / 1e9));
        r.put("renewalWindowS", spanS);
        r.put("maxRenewalsInOneSecond", max);
        r.put("maxShareInOneSecondPct", round(100.0 * max / dps.size()));
        System.out.printf("  renewals: first %.1f s after the first issue, spread over %d s, at most %d dataplanes (%.2f%%) in one second%n",
                (first - firstIssued) / 1e9, spanS, max, 100.0 * max / dps.size());
        return r;
    }

    /** One dataplane: a SotW ADS stream that self-registers its Dataplane and ACKs everything. */
    private static final class Dataplane implements StreamObserver<DiscoveryResponse> {
        private final StreamObserver<DiscoveryRequest> requests;
        private final Node node;
        private final boolean mtls;
        final long startedAt = System.nanoTime();
        volatile long configuredAt;
        final List<Long> sdsAt = new CopyOnWriteArrayList<>();
        private boolean lds;
        private boolean sds;
        private volatile boolean closed;

        Dataplane(int i, ManagedChannel channel, boolean mtls) {
            this.mtls = mtls;
            String name = "dp-" + i;
            String dataplane = """
                    {"type":"Dataplane","mesh":"default","name":"%s","networking":{"address":"10.%d.%d.%d",
                    "inbound":[{"port":8080,"tags":{"kuma.io/service":"svc-%d","kuma.io/protocol":"http"}}],
                    "outbound":[{"port":10001,"tags":{"kuma.io/service":"svc-%d"}}]}}""".formatted(name, (i >> 16) & 255, (i >> 8) & 255, i & 255,
                    i % SERVICES, (i + 1) % SERVICES);
            node = Node.newBuilder().setId("default." + name).setMetadata(Struct.newBuilder()
                    .putFields("dataplane.resource", Value.newBuilder().setStringValue(dataplane).build())).build();
            requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this);
            synchronized (this) {
                send(LDS, List.of(), "", "");
                send(CDS, List.of(), "", "");
                if (mtls) send(SDS, SECRETS, "", "");
            }
        }

        private void send(String type, List<String> names, String version, String nonce) {
            requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names)
                    .setVersionInfo(version).setResponseNonce(nonce).build());
        }

        @Override
        public synchronized void onNext(DiscoveryResponse r) {
            send(r.getTypeUrl(), r.getTypeUrl().equals(SDS) ? SECRETS : List.of(), r.getVersionInfo(), r.getNonce());
            long now = System.nanoTime();
            if (r.getTypeUrl().equals(LDS)) lds = true;
            if (r.getTypeUrl().equals(SDS)) {
                sds = true;
                sdsAt.add(now);
            }
            if (configuredAt == 0 && lds && (sds || !mtls)) configuredAt = now;
        }

        @Override
        public void onError(Throwable t) {
            if (!closed) System.err.println(node.getId() + ": " + t);
        }

        @Override
        public void onCompleted() {
        }

        /** The server is about to go: its end of the stream is expected. */
        void closing() {
            closed = true;
        }
    }

    /**
     * Until the engine has not recomputed anything for 2 s: registrations still queued on its worker hold whole mesh
     * generations, which is backlog, not the steady heap per dataplane.
     */
    private static void awaitQuiet(SimpleMeterRegistry meters) throws InterruptedException {
        double last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(2)) {
            double now = meters.find("ursa_xds_renders").counters().stream().mapToDouble(c -> c.count()).sum();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
            Thread.sleep(100);
        }
    }

    private static void awaitAll(List<Dataplane> dps, java.util.function.Predicate<Dataplane> done, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!dps.stream().allMatch(done)) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(dps.stream().filter(done.negate()).count() + " dataplanes not done within " + deadline);
            }
            Thread.sleep(50);
        }
    }

    /** Turns mTLS on in mesh {@code default}: a builtin CA (RSA 2048) in the store, certificates of {@code lifetime}. */
    static void meshWithBuiltinCa(InMemoryStore store, String lifetime) throws Exception {
        MeshCa ca = MeshCa.generate("default", 2048, Duration.ofDays(365), Instant.now());
        put(store, secret("default.ca-builtin-cert-ca-1", ca.certificatePem()));
        put(store, secret("default.ca-builtin-key-ca-1", ca.keyPem()));
        put(store, """
                type: Mesh
                name: default
                mtls:
                  enabledBackend: ca-1
                  backends:
                    - name: ca-1
                      type: builtin
                      dpCert: {rotation: {expiration: %s}}
                """.formatted(lifetime));
    }

    private static String secret(String name, String pem) {
        return "type: Secret\nmesh: default\nname: " + name + "\ndata: " + Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)) + "\n";
    }

    static void put(InMemoryStore store, String yaml) throws Exception {
        store.put(ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML)), Precondition.ANY)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
