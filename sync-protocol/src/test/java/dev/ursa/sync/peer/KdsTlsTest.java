package dev.ursa.sync.peer;

import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.sync.Await;
import dev.ursa.sync.Fixtures;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** KDS over TLS with a certificate generated here: a zone trusting the CA syncs; one trusting another CA never does. */
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
            assertThat(sync(server.getPort(), cert, timer, workers)).as("trusted CA").isTrue();
            assertThat(sync(server.getPort(), otherCa, timer, workers)).as("untrusted CA").isFalse();
        } finally {
            server.shutdownNow();
            index.close();
            timer.shutdownNow();
            workers.shutdownNow();
        }
    }

    /** Whether a zone trusting {@code ca} gets the mesh within a few seconds. */
    private static boolean sync(int port, SelfSignedCertificate ca, java.util.concurrent.ScheduledExecutorService timer,
                                java.util.concurrent.ExecutorService workers) throws Exception {
        InMemoryStore zoneStore = new InMemoryStore();
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port)
                .sslContext(GrpcSslContexts.forClient().trustManager(ca.certificate()).build()).build();
        ResourceIndex local = new ResourceIndex(zoneStore, KdsTypes.zoneToGlobal(), r -> true).start();
        CompletableFuture<Void> synced = new CompletableFuture<>();
        KdsZoneClient client = new KdsZoneClient(channel, local, StoreSink.fromGlobal(zoneStore), timer, workers, Clock.systemUTC(),
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), new Random()), Duration.ofMillis(10), 1 << 20, new KdsZoneClient.Events() {
            @Override
            public void synced(Duration took) {
                synced.complete(null);
            }
        });
        try {
            client.start();
            try {
                synced.get(3, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            }
            Await.until(Duration.ofSeconds(5), "mesh at zone", () -> zoneStore.get(ResourceKey.of(ResourceTypes.MESH, "", "default")).toCompletableFuture().join().isPresent());
            return true;
        } finally {
            client.close();
            local.close();
            channel.shutdownNow();
        }
    }
}
