package dev.ursa.sync.peer;

import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.sync.Fixtures;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.testsupport.Await;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The global's stream lifecycle over real gRPC: a stream closes when its token expires (not only checked at open), and of
 * two zone CPs using one zone name the newer connection wins, the older is told why and backs off for its longest
 * delay, and the swapping deletes nothing at the global.
 */
class KdsStreamLifecycleTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Metadata.Key<String> EXPIRY = Metadata.Key.of("test-token-expiry", Metadata.ASCII_STRING_MARSHALLER);
    static final Duration BACKOFF_MAX = Duration.ofMillis(400);

    final InMemoryStore global = new InMemoryStore();
    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    final List<AutoCloseable> closeables = new ArrayList<>();
    KdsServerHandler handler;
    Server server;

    @BeforeEach
    void start() throws Exception {
        global.put(Fixtures.mesh("default"), Precondition.ANY).toCompletableFuture().join();
        ResourceIndex index = new ResourceIndex(global, KdsTypes.globalToZone(), r -> true).start();
        closeables.add(index);
        handler = new KdsServerHandler(index, zone -> StoreSink.fromZone(global, zone), timer, workers, Clock.systemUTC(),
                new KdsServerHandler.Settings(Duration.ofMillis(10), 512 * 1024), new KdsServerHandler.Events() {
        });
        // Tests only: what the apps' authentication sets from the verified token, here from headers; the peer as the apps set it.
        ServerInterceptor identity = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String expiry = headers.get(EXPIRY);
                SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                Context ctx = Context.current().withValue(KdsServerHandler.ZONE, headers.get(KdsGrpc.ZONE))
                        .withValue(KdsServerHandler.TOKEN_EXPIRY, expiry == null ? null : Instant.ofEpochMilli(Long.parseLong(expiry)))
                        .withValue(KdsServerHandler.PEER, String.valueOf(peer));
                return Contexts.interceptCall(ctx, call, headers, next);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(KdsGrpc.service(handler), identity)).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
        server.shutdownNow();
        timer.shutdownNow();
        workers.shutdownNow();
    }

    /** A zone CP: its own store and connection, and what its client heard. */
    record Zone(InMemoryStore store, KdsZoneClient client, CompletableFuture<Void> synced, List<Status> disconnects, List<Duration> retries) {
        long refusals(Status.Code code) {
            return disconnects.stream().filter(s -> s.getCode() == code).count();
        }
    }

    Zone zone(String name, InMemoryStore store, Instant tokenExpiry) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        closeables.add(channel::shutdownNow);
        Metadata md = new Metadata();
        md.put(KdsGrpc.ZONE, name);
        if (tokenExpiry != null) md.put(EXPIRY, Long.toString(tokenExpiry.toEpochMilli()));
        Channel withIdentity = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
        ResourceIndex local = new ResourceIndex(store, KdsTypes.zoneToGlobal(),
                r -> !KdsTypes.ORIGIN_GLOBAL.equals(r.meta().labels().get(KdsTypes.ORIGIN_LABEL))).start();
        closeables.add(local);
        CompletableFuture<Void> synced = new CompletableFuture<>();
        List<Status> disconnects = new CopyOnWriteArrayList<>();
        List<Duration> retries = new CopyOnWriteArrayList<>();
        KdsZoneClient client = new KdsZoneClient(withIdentity, local, StoreSink.fromGlobal(store), KdsZoneClient.Settings.of(timer, workers)
                .withBackoff(new Backoff(Duration.ofMillis(20), BACKOFF_MAX, new Random(1))).withBatchWindow(Duration.ofMillis(10)),
                new KdsZoneClient.Events() {
                    @Override
                    public void synced(Duration took) {
                        synced.complete(null);
                    }

                    @Override
                    public void disconnected(Status status, Duration retryIn) {
                        disconnects.add(status);
                        retries.add(retryIn);
                    }
                });
        closeables.add(client);
        client.start();
        return new Zone(store, client, synced, disconnects, retries);
    }

    @Test
    void aStreamClosesWhenItsTokenExpiresAndTheZoneBacksOffForItsLongestDelay() throws Exception {
        Zone zone = zone("zone-e", new InMemoryStore(), Instant.now().plusMillis(1500));
        zone.synced().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(handler.openStreams()).anyMatch(s -> s.zone().equals("zone-e") && s.tokenExpiry() != null);

        Await.until("the expired token's streams closed", WAIT, () -> zone.refusals(Status.Code.UNAUTHENTICATED) > 0);
        Status closed = zone.disconnects().stream().filter(s -> s.getCode() == Status.Code.UNAUTHENTICATED).findFirst().orElseThrow();
        assertThat(closed.getDescription()).startsWith("zone token expired");
        // A refusal: the retry waits between half and all of the longest delay, not the 20 ms first step.
        assertThat(zone.retries().getFirst()).isBetween(BACKOFF_MAX.dividedBy(2), BACKOFF_MAX);
    }

    @Test
    void twoZoneCpsWithOneNameTheNewerWinsTheOlderIsToldWhyAndNothingIsDeletedByTheSwaps() throws Exception {
        // Two CPs of one zone holding the same Dataplane (e.g. a replacement started before the old one stopped).
        InMemoryStore storeA = new InMemoryStore();
        InMemoryStore storeB = new InMemoryStore();
        for (InMemoryStore s : List.of(storeA, storeB)) {
            s.put(Fixtures.mesh("default"), Precondition.ANY).toCompletableFuture().join();
            s.put(Fixtures.dataplane("default", "dp-1", "10.0.0.1"), Precondition.ANY).toCompletableFuture().join();
        }
        ResourceKey atGlobal = ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-1.dp-1");
        List<ChangeEvent> deletions = new CopyOnWriteArrayList<>();
        closeables.add(global.changes().subscribe(e -> {
            if (e.kind() == ChangeKind.DELETED) deletions.add(e);
        }));

        Zone a = zone("zone-1", storeA, null);
        a.synced().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Await.until("zone-1's Dataplane at the global", WAIT, () -> global.get(atGlobal).toCompletableFuture().join().isPresent());

        Zone b = zone("zone-1", storeB, null);
        Await.until("the older CP closed by the newer one", WAIT, () -> a.refusals(Status.Code.ABORTED) > 0);
        Status aborted = a.disconnects().stream().filter(s -> s.getCode() == Status.Code.ABORTED).findFirst().orElseThrow();
        assertThat(aborted.getDescription()).contains("another zone CP connected as zone zone-1");
        assertThat(a.retries().get(a.disconnects().indexOf(aborted))).as("the displaced CP backs off for its longest delay")
                .isBetween(BACKOFF_MAX.dividedBy(2), BACKOFF_MAX);
        // They keep swapping (both misconfigured ones run on), each swap a backed-off reconnect.
        Await.until("both CPs displaced twice", WAIT, () -> a.refusals(Status.Code.ABORTED) >= 2 && b.refusals(Status.Code.ABORTED) >= 2);

        a.client().close();
        b.client().close();
        assertThat(deletions).as("deletions at the global while the CPs swapped").isEmpty();
        assertThat(global.get(atGlobal).toCompletableFuture().join()).isPresent();
    }
}
