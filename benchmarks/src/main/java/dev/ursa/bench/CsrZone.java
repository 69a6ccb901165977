package dev.ursa.bench;

import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TrustedTokens;
import dev.ursa.cp.tokens.DataplaneToken;
import dev.ursa.cp.tokens.DataplaneTokenRequest;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.zone.xds.NodeId;
import dev.ursa.zone.xds.StreamExecutors;
import dev.ursa.zone.xds.WorkloadCertificateService;
import dev.ursa.zone.xds.XdsEngine;
import dev.ursa.zone.xds.XdsSettings;
import dev.ursa.zone.xds.auth.XdsAuthMode;
import dev.ursa.zone.xds.auth.XdsAuthenticator;
import dev.ursa.zone.xds.auth.XdsStreamInterceptor;
import dev.ursa.zone.xds.mtls.CsrSigner;
import dev.ursa.zone.xds.mtls.MeshTrust;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The zone side of the CSR benchmark, built as the zone CP builds it but without Quarkus: an in-memory store with mesh
 * {@code default} (mTLS on, builtin CA) and N Dataplanes, the token keys and the {@link XdsAuthenticator} over them,
 * the {@link XdsEngine}, the {@link WorkloadCertificateService}, and a grpc-netty server on loopback serving ADS and
 * the certificate service, both behind the {@link XdsStreamInterceptor}. The server's threads (event loops and call
 * executor) are its own and named {@value #SERVER_THREADS}*, so their CPU can be told from the clients'.
 */
final class CsrZone implements AutoCloseable {
    static final String SERVER_THREADS = "zone-grpc-";
    static final String MESH = "default";
    private static final int SERVICES = 100;

    private final InMemoryStore store = new InMemoryStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TokenKeys keys = new TokenKeys(store);
    private final TrustedTokens dataplaneTokens = keys.trusted(TokenKind.DATAPLANE);
    private final TrustedTokens zoneTokens = keys.trusted(TokenKind.ZONE);
    private final XdsAuthenticator authenticator;
    private final XdsEngine engine;
    private final WorkloadCertificateService certificates;
    private final NioEventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory(SERVER_THREADS + "boss", true));
    private final NioEventLoopGroup workers = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors(),
            new DefaultThreadFactory(SERVER_THREADS + "worker", true));
    /** Fixed, so no thread ends during the measured window (its CPU would be lost). */
    private final ExecutorService callExecutor = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name(SERVER_THREADS + "call-", 0).factory());
    private final Server server;

    /** Builds and starts the zone with {@code dataplanes} Dataplanes, certificates of {@code lifetime}; waits until it serves them. */
    CsrZone(int dataplanes, String lifetime, XdsAuthMode auth) throws Exception {
        CertificateBenchmark.put(store, "type: Mesh\nname: " + MESH + "\n");
        CertificateBenchmark.meshWithBuiltinCa(store, lifetime);
        for (int i = 0; i < dataplanes; i++) CertificateBenchmark.put(store, dataplane(i));
        dataplaneTokens.load();
        zoneTokens.load();
        XdsSettings settings = new XdsSettings("zone-1", false, Duration.ofSeconds(30), Duration.ofMillis(10));
        AtomicReference<XdsEngine> engineRef = new AtomicReference<>();
        // As the zone CP wires it: the authenticator asks the engine which Dataplane a node has, the engine runs it first.
        authenticator = new XdsAuthenticator("zone-1", auth, dataplaneTokens, zoneTokens, id -> engineRef.get().registeredDataplane(id),
                store, settings.selfRegistrationGrace(), meters);
        engine = new XdsEngine(store, settings, meters, StreamExecutors.SENDER_THREADS, List.of(authenticator));
        engineRef.set(engine);
        engine.start();
        certificates = new WorkloadCertificateService(engine, authenticator, new CsrSigner(settings.renewFraction()),
                engine.issuerSwitches(), Clock.systemUTC(), meters);
        server = NettyServerBuilder.forPort(0, InsecureServerCredentials.create())
                .bossEventLoopGroup(boss).workerEventLoopGroup(workers).channelType(NioServerSocketChannel.class)
                .executor(callExecutor)
                .addService(ServerInterceptors.intercept(engine.ads(), new XdsStreamInterceptor()))
                .addService(ServerInterceptors.intercept(certificates.bindService(), new XdsStreamInterceptor()))
                .build().start();
        awaitServing(dataplanes, Duration.ofMinutes(2));
    }

    int port() {
        return server.getPort();
    }

    static String nodeId(int i) {
        return MESH + "." + name(i);
    }

    /** A dataplane token for workload {@code i}, bound to its name, as {@code POST /tokens/dataplane} mints it. */
    String token(int i) {
        var claims = DataplaneToken.claims(new DataplaneTokenRequest(MESH, Optional.of(name(i)), Map.of(), Duration.ofHours(2)), Instant.now());
        return keys.ring(TokenKind.DATAPLANE).sign(claims);
    }

    /** The service's own timer around CSR verification and signing (on its pool), or null before any signature. */
    Timer signTimer() {
        return meters.find("ursa_mtls_csr_sign").timer();
    }

    private static String name(int i) {
        return "dp-" + i;
    }

    private static String dataplane(int i) {
        return """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: 10.%d.%d.%d
                  inbound:
                  - port: 8080
                    tags: {kuma.io/service: svc-%d, kuma.io/protocol: http}
                """.formatted(MESH, name(i), (i >> 16) & 255, (i >> 8) & 255, i & 255, i % SERVICES);
    }

    /** Until the engine has the mesh's CA and every Dataplane: a Sign before that would be refused, not measured. */
    private void awaitServing(int dataplanes, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        int next = 0;
        while (true) {
            boolean ca = engine.meshTrust(MESH).filter(s -> s instanceof MeshTrust.Ready).isPresent();
            while (next < dataplanes && engine.registeredDataplane(new NodeId(MESH, name(next))).isPresent()) next++;
            if (ca && next == dataplanes) return;
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the zone is not serving within " + deadline + ": mesh CA ready " + ca + ", "
                        + next + " of " + dataplanes + " Dataplanes in the engine");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        certificates.close();
        engine.close();
        authenticator.close();
        dataplaneTokens.close();
        zoneTokens.close();
        callExecutor.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
