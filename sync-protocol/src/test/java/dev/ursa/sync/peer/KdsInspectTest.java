package dev.ursa.sync.peer;

import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.inspect.v1.InspectRequest;
import dev.ursa.sync.inspect.v1.InspectResponse;
import dev.ursa.testsupport.Await;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * KDS's Inspect stream over real gRPC on loopback: the global's questions reach the zone's inspector and come back by
 * request id; what the global answers when the zone has no stream, is slow, has too many questions waiting or drops the
 * stream. No authentication here (the zone comes from a header; the global app adds the token check for all streams).
 */
class KdsInspectTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ZoneInspections.Limits LIMITS = new ZoneInspections.Limits(Duration.ofSeconds(30), 2);

    final InMemoryStore global = new InMemoryStore();
    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    final List<AutoCloseable> closeables = new ArrayList<>();
    /** Holds back the zones' answers while closed. */
    volatile CountDownLatch gate = new CountDownLatch(0);
    Server server;
    KdsServerHandler handler;

    @BeforeEach
    void start() throws Exception {
        ResourceIndex index = new ResourceIndex(global, KdsTypes.globalToZone(), r -> true).start();
        closeables.add(index);
        handler = new KdsServerHandler(index, zone -> StoreSink.fromZone(global, zone), timer, workers, Clock.systemUTC(),
                KdsServerHandler.Settings.defaults(), new KdsServerHandler.Events() {
        });
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(KdsGrpc.service(handler), zoneFromHeader())).build().start();
    }

    static ServerInterceptor zoneFromHeader() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(KdsServerHandler.ZONE, headers.get(KdsGrpc.ZONE)), call, headers, next);
            }
        };
    }

    @AfterEach
    void stop() throws Exception {
        gate.countDown();
        for (AutoCloseable c : closeables.reversed()) c.close();
        server.shutdownNow();
        timer.shutdownNow();
        workers.shutdownNow();
    }

    KdsZoneClient connect(String zone, boolean inspects) {
        return connect(zone, inspects, server.getPort());
    }

    /** A zone whose inspector answers with what it was asked (without: a zone CP that opens no Inspect stream). */
    KdsZoneClient connect(String zone, boolean inspects, int port) {
        InMemoryStore store = new InMemoryStore();
        ResourceIndex local = new ResourceIndex(store, KdsTypes.zoneToGlobal(), r -> true).start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        Metadata md = new Metadata();
        md.put(KdsGrpc.ZONE, zone);
        Channel withZone = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
        KdsZoneClient.Inspector inspector = q -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (q.getDataplane().equals("missing")) return InspectResponse.newBuilder().setStatus(404).setError("no dataplane missing").build();
            return InspectResponse.newBuilder().setStatus(200)
                    .setJson("{\"zone\":\"" + zone + "\",\"kind\":\"" + q.getKind() + "\",\"dp\":\"" + q.getMesh() + "/" + q.getDataplane() + "\"}").build();
        };
        KdsZoneClient client = new KdsZoneClient(withZone, local, StoreSink.fromGlobal(store), KdsZoneClient.Settings.of(timer, workers)
                .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), new Random(1))), new KdsZoneClient.Events() {
        }, inspects ? inspector : null);
        closeables.add(channel::shutdownNow);
        closeables.add(local);
        closeables.add(client);
        client.start();
        return client;
    }

    static InspectRequest question(InspectRequest.Kind kind, String dataplane) {
        return InspectRequest.newBuilder().setKind(kind).setMesh("default").setDataplane(dataplane).build();
    }

    static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("no failure within " + WAIT + ": " + e);
        }
        throw new AssertionError("answered, expected a failure");
    }

    void awaitInspectStream(String zone) {
        Await.until(zone + "'s Inspect stream open at the global", WAIT, () -> handler.inspections().hasStream(zone));
    }

    @Test
    void eachQuestionGetsItsOwnZonesAnswerByRequestId() throws Exception {
        connect("zone-1", true);
        connect("zone-2", true);
        awaitInspectStream("zone-1");
        awaitInspectStream("zone-2");
        var config = handler.inspections().ask("zone-1", question(InspectRequest.Kind.CONFIG, "web-1"), LIMITS);
        var policies = handler.inspections().ask("zone-2", question(InspectRequest.Kind.POLICIES, "web-2"), LIMITS);
        var missing = handler.inspections().ask("zone-1", question(InspectRequest.Kind.CONFIG, "missing"), LIMITS);

        assertThat(config.get(20, TimeUnit.SECONDS).getJson()).isEqualTo("{\"zone\":\"zone-1\",\"kind\":\"CONFIG\",\"dp\":\"default/web-1\"}");
        assertThat(policies.get(20, TimeUnit.SECONDS).getJson()).isEqualTo("{\"zone\":\"zone-2\",\"kind\":\"POLICIES\",\"dp\":\"default/web-2\"}");
        InspectResponse notFound = missing.get(20, TimeUnit.SECONDS);
        assertThat(notFound.getStatus()).isEqualTo(404);
        assertThat(notFound.getError()).isEqualTo("no dataplane missing");
        assertThat(handler.openStreams()).filteredOn(s -> s.zone().equals("zone-1")).extracting(KdsServerHandler.Stream::direction)
                .containsExactlyInAnyOrder(Direction.GLOBAL_TO_ZONE, Direction.ZONE_TO_GLOBAL, Direction.INSPECT);
    }

    @Test
    void aZoneWithoutTheStreamIsNotAskedAndStillSyncs() {
        connect("old-zone", false);
        Await.until("old-zone's two sync streams open", WAIT, () -> handler.openStreams().stream().filter(s -> s.zone().equals("old-zone")).count() == 2);
        assertThat(handler.inspections().hasStream("old-zone")).isFalse();
        Throwable f = failure(handler.inspections().ask("old-zone", question(InspectRequest.Kind.CONFIG, "web"), LIMITS));
        assertThat(f).isInstanceOf(ZoneInspections.Failure.class);
        assertThat(((ZoneInspections.Failure) f).reason()).isEqualTo(ZoneInspections.Failure.Reason.NOT_OPEN);
        assertThat(failure(handler.inspections().ask("nowhere", question(InspectRequest.Kind.CONFIG, "web"), LIMITS)))
                .hasMessageContaining("zone nowhere has no KDS Inspect stream open");
    }

    @Test
    void aSlowZoneTimesOutAndTooManyWaitingQuestionsAreRefusedAtOnce() {
        connect("zone-1", true);
        awaitInspectStream("zone-1");
        gate = new CountDownLatch(1);
        var shortWait = new ZoneInspections.Limits(Duration.ofMillis(300), 2);
        var first = handler.inspections().ask("zone-1", question(InspectRequest.Kind.CONFIG, "a"), LIMITS);
        var second = handler.inspections().ask("zone-1", question(InspectRequest.Kind.CONFIG, "b"), shortWait);
        Throwable busy = failure(handler.inspections().ask("zone-1", question(InspectRequest.Kind.CONFIG, "c"), LIMITS));
        assertThat(((ZoneInspections.Failure) busy).reason()).isEqualTo(ZoneInspections.Failure.Reason.BUSY);
        assertThat(busy).hasMessageContaining("zone zone-1 already has 2 inspect requests waiting");

        assertThat(failure(second)).isInstanceOf(TimeoutException.class);
        assertThat(first).isNotDone(); // the slow answer is still awaited within its own limit
        // the timed-out question freed its place
        var third = handler.inspections().ask("zone-1", question(InspectRequest.Kind.POLICIES, "d"), LIMITS);
        gate.countDown();
        assertThat(first.join().getJson()).contains("default/a");
        assertThat(third.join().getJson()).contains("default/d");
        Await.until("nothing waiting", WAIT, () -> handler.inspections().waiting("zone-1") == 0);
    }

    @Test
    void aDroppedStreamFailsWhatIsWaitingAtOnceAndTheReconnectedZoneAnswersAgain() {
        connect("zone-1", true);
        awaitInspectStream("zone-1");
        gate = new CountDownLatch(1);
        var waiting = handler.inspections().ask("zone-1", question(InspectRequest.Kind.CONFIG, "a"), LIMITS);
        Await.until("the question is waiting", WAIT, () -> handler.inspections().waiting("zone-1") == 1);
        long before = System.nanoTime();
        handler.closeZone("zone-1", Status.UNAVAILABLE.withDescription("test drops the zone"));
        Throwable lost = failure(waiting);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(LIMITS.timeout());
        assertThat(((ZoneInspections.Failure) lost).reason()).isEqualTo(ZoneInspections.Failure.Reason.STREAM_LOST);
        assertThat(lost).hasMessageContaining("test drops the zone");
        gate.countDown();

        awaitInspectStream("zone-1"); // the zone reconnects all three streams
        var again = Await.value("an answer after the reconnect", WAIT, () -> {
            try {
                return handler.inspections().ask("zone-1", question(InspectRequest.Kind.CONFIG, "b"), LIMITS).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                return null; // the old stream was still registered for a moment
            }
        });
        assertThat(again.getJson()).contains("default/b");
    }

    @Test
    void aZoneOfAGlobalWithoutInspectKeepsSyncing() throws Exception {
        // a global from before Inspect: the service has the two sync methods only
        Server older = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(io.grpc.ServerServiceDefinition.builder(KdsGrpc.SERVICE)
                        .addMethod(KdsGrpc.GLOBAL_TO_ZONE, io.grpc.stub.ServerCalls.asyncBidiStreamingCall(handler::globalToZone))
                        .addMethod(KdsGrpc.ZONE_TO_GLOBAL, io.grpc.stub.ServerCalls.asyncBidiStreamingCall(handler::zoneToGlobal)).build(),
                        zoneFromHeader())).build().start();
        closeables.add(older::shutdownNow);
        connect("new-zone", true, older.getPort());
        Await.until("new-zone's two sync streams open", WAIT, () -> handler.openStreams().stream().filter(s -> s.zone().equals("new-zone")).count() == 2);
        // the refused Inspect call (UNIMPLEMENTED) drops nothing: the sync streams stay, no reconnect
        var streams = java.util.Set.copyOf(handler.openStreams());
        Await.holds("new-zone keeps its first two streams", Duration.ofSeconds(2), () -> java.util.Set.copyOf(handler.openStreams()).equals(streams));
        assertThat(handler.inspections().hasStream("new-zone")).isFalse();
    }
}
