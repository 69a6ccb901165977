package dev.ursa.sync.peer;

import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.sync.Fixtures;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.testsupport.Await;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KDS over TLS with a certificate generated here: a zone trusting the CA syncs; one trusting another CA refuses the
 * handshake and reports the certificate problem as the reason it is not connected.
 */
class KdsTlsTest {
    @Test
    void zoneVerifiesTheGlobalsCertificateAgainstItsCa() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        SelfSignedCertificate otherCa = new SelfSignedCertificate("localhost");
        InMemoryStore global = new InMemoryStore();
        global.put(Fixtures.mesh("default"), Precondition.ANY).toCompletableFuture().join();
        var timer = Executors.newScheduledThreadPool(2);
        var workers = Executors.newVirtualThreadPerTaskExecutor();
        ResourceIndex index = new ResourceIndex(global, KdsTypes.globalToZone(), r -> true).start();
        KdsServerHandler handler = new KdsServerHandler(index, z -> StoreSink.fromZone(global, z), timer, workers, Clock.systemUTC(),
                KdsServerHandler.Settings.defaults(), new KdsServerHandler.Events() {
        });
        ServerInterceptor zone = new ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata h, io.grpc.ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(KdsServerHandler.ZONE, "zone-1"), call, h, next);
            }
        };
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(cert.certificate(), cert.privateKey()).build())
                .addService(ServerInterceptors.intercept(KdsGrpc.service(handler), zone)).build().start();
        try {
            // Trusted CA: the zone syncs (the mesh arrives).
            try (Zone trusting = Zone.dial(server.getPort(), cert, timer, workers)) {
                trusting.synced.get(30, TimeUnit.SECONDS);
                Await.until("mesh at zone", Duration.ofSeconds(30), () -> trusting.store.get(ResourceKey.of(ResourceTypes.MESH, "", "default"))
                        .toCompletableFuture().join().isPresent());
                assertThat(trusting.client.lastFailure()).isEmpty();
            }
            // Another CA: the zone refuses the handshake and says why (the positive signal, not "no sync for a while").
            try (Zone distrusting = Zone.dial(server.getPort(), otherCa, timer, workers)) {
                Await.until("the zone's connect failure", Duration.ofSeconds(30), () -> distrusting.client.lastFailure().isPresent() && !distrusting.disconnects.isEmpty());
                String failure = distrusting.client.lastFailure().orElseThrow();
                // Both certificates name "localhost": the zone finds a path to its CA by name and the signature check
                // fails ("PKIX path validation failed"); a CA of another name gives "PKIX path building failed".
                assertThat(failure).startsWith("UNAVAILABLE").contains("SSLHandshakeException").contains("PKIX path");
                assertThat(distrusting.disconnects.getFirst().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(distrusting.synced).isNotDone();
                assertThat(distrusting.store.get(ResourceKey.of(ResourceTypes.MESH, "", "default")).toCompletableFuture().join()).isEmpty();
            }
        } finally {
            server.shutdownNow();
            index.close();
            timer.shutdownNow();
            workers.shutdownNow();
        }
    }

    /** A zone's KDS client trusting {@code ca}, with what it reports. */
    private record Zone(InMemoryStore store, ManagedChannel channel, ResourceIndex local, KdsZoneClient client,
                        CompletableFuture<Void> synced, List<Status> disconnects) implements AutoCloseable {
        static Zone dial(int port, SelfSignedCertificate ca, java.util.concurrent.ScheduledExecutorService timer,
                         java.util.concurrent.ExecutorService workers) throws Exception {
            InMemoryStore zoneStore = new InMemoryStore();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port)
                    .sslContext(GrpcSslContexts.forClient().trustManager(ca.certificate()).build()).build();
            ResourceIndex local = new ResourceIndex(zoneStore, KdsTypes.zoneToGlobal(), r -> true).start();
            CompletableFuture<Void> synced = new CompletableFuture<>();
            List<Status> disconnects = new CopyOnWriteArrayList<>();
            KdsZoneClient client = new KdsZoneClient(channel, local, StoreSink.fromGlobal(zoneStore), new KdsZoneClient.Settings(timer, workers, Clock.systemUTC(),
                    new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), new Random()), Duration.ofMillis(10), 1 << 20), new KdsZoneClient.Events() {
                @Override
                public void synced(Duration took) {
                    synced.complete(null);
                }

                @Override
                public void disconnected(Status status, Duration retryIn) {
                    disconnects.add(status);
                }
            });
            client.start();
            return new Zone(zoneStore, channel, local, client, synced, disconnects);
        }

        @Override
        public void close() throws Exception {
            client.close();
            local.close();
            channel.shutdownNow();
        }
    }
}
