package dev.ursa.sync.peer;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.sync.Envelope;
import dev.ursa.sync.Fixtures;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.stream.KdsListener;
import dev.ursa.testsupport.Await;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A global and two zones over real gRPC on loopback, with in-memory stores; no authentication (the apps add it). */
class KdsEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    final InMemoryStore global = new InMemoryStore();
    final Map<String, InMemoryStore> zones = Map.of("zone-1", new InMemoryStore(), "zone-2", new InMemoryStore());
    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    final List<AutoCloseable> closeables = new ArrayList<>();
    /** Resources the global sent per zone (upserts), and NACKs it received. */
    final Map<String, AtomicLong> sentTo = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> responsesTo = new ConcurrentHashMap<>();
    final Map<String, Map<String, String>> nacksFrom = new ConcurrentHashMap<>();
    final Map<String, KdsZoneClient> clients = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> syncs = new ConcurrentHashMap<>();
    Server server;
    ResourceIndex globalIndex;
    KdsServerHandler handler;

    @BeforeEach
    void start() throws Exception {
        put(global, Fixtures.mesh("default"));
        globalIndex = new ResourceIndex(global, KdsTypes.globalToZone(), r -> true).start();
        closeables.add(globalIndex);
        handler = new KdsServerHandler(globalIndex, zone -> StoreSink.fromZone(global, zone), timer, workers, Clock.systemUTC(),
                new KdsServerHandler.Settings(Duration.ofMillis(10), 512 * 1024), new KdsServerHandler.Events() {
            @Override
            public KdsListener opened(KdsServerHandler.Stream stream) {
                return new KdsListener() {
                    @Override
                    public void sent(String typeUrl, int upserts, int removals, int bytes) {
                        sentTo.computeIfAbsent(stream.zone(), z -> new AtomicLong()).addAndGet(upserts + removals);
                        responsesTo.computeIfAbsent(stream.zone(), z -> new AtomicInteger()).incrementAndGet();
                    }

                    @Override
                    public void nacked(String typeUrl, String message, Map<String, String> rejected) {
                        nacksFrom.computeIfAbsent(stream.zone(), z -> new ConcurrentHashMap<>()).putAll(rejected);
                    }
                };
            }
        });
        // Tests only: the zone is taken from a header; the apps take it from the verified token.
        ServerInterceptor zoneFromHeader = new ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
                Context ctx = Context.current().withValue(KdsServerHandler.ZONE, headers.get(KdsGrpc.ZONE));
                return Contexts.interceptCall(ctx, call, headers, next);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(KdsGrpc.service(handler), zoneFromHeader)).build().start();
        for (String zone : zones.keySet()) connect(zone);
    }

    void connect(String zone) {
        InMemoryStore store = zones.get(zone);
        ResourceIndex local = new ResourceIndex(store, KdsTypes.zoneToGlobal(), r -> !KdsTypes.ORIGIN_GLOBAL.equals(r.meta().labels().get(KdsTypes.ORIGIN_LABEL))).start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        Metadata md = new Metadata();
        md.put(KdsGrpc.ZONE, zone);
        Channel withZone = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
        KdsZoneClient client = new KdsZoneClient(withZone, local, StoreSink.fromGlobal(store), new KdsZoneClient.Settings(timer, workers, Clock.systemUTC(),
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), new Random(1)), Duration.ofMillis(10), 512 * 1024),
                new KdsZoneClient.Events() {
                    @Override
                    public void synced(Duration took) {
                        syncs.computeIfAbsent(zone, z -> new AtomicInteger()).incrementAndGet();
                    }
                });
        closeables.add(channel::shutdownNow);
        closeables.add(local);
        closeables.add(client);
        client.start();
        clients.put(zone, client);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
        server.shutdownNow();
        timer.shutdownNow();
        workers.shutdownNow();
    }

    static void put(InMemoryStore store, Resource r) {
        store.put(r, Precondition.ANY).toCompletableFuture().join();
    }

    static Resource get(InMemoryStore store, ResourceKey key) {
        return store.get(key).toCompletableFuture().join().orElse(null);
    }

    static ResourceKey timeoutKey(String name) {
        return ResourceKey.of(ResourceTypes.MESH_TIMEOUT, "default", name);
    }

    static long count(InMemoryStore store, dev.ursa.mesh.model.ResourceType type) {
        return store.list(ListQuery.all(type)).toCompletableFuture().join().total();
    }

    void awaitSynced(String zone, int times) {
        Await.until(zone + " synced " + times + " times", WAIT, () -> syncs.getOrDefault(zone, new AtomicInteger()).get() >= times);
    }

    @Test
    void createUpdateDeleteReachEveryZoneAndSyncedResourcesAreLabelled() {
        put(global, Fixtures.timeout("default", "t1", "10s"));
        for (InMemoryStore zone : zones.values()) {
            Resource synced = Await.value("t1 at zone", WAIT, () -> get(zone, timeoutKey("t1")));
            assertThat(synced.meta().labels()).containsEntry(KdsTypes.ORIGIN_LABEL, "global");
            assertThat(get(zone, ResourceKey.of(ResourceTypes.MESH, "", "default"))).isNotNull();
        }
        Resource updated = Fixtures.timeout("default", "t1", "42s");
        put(global, updated);
        for (InMemoryStore zone : zones.values()) {
            Await.until("update at zone", WAIT, () -> {
                Resource r = get(zone, timeoutKey("t1"));
                return r != null && Envelope.version(r).equals(Envelope.version(updated));
            });
        }
        global.delete(timeoutKey("t1"), Precondition.ANY).toCompletableFuture().join();
        for (InMemoryStore zone : zones.values()) {
            Await.until("delete at zone", WAIT, () -> get(zone, timeoutKey("t1")) == null);
        }
    }

    @Test
    void zoneResourcesArriveAttributedAndNeverClashOrCrossZones() {
        awaitSynced("zone-1", 1);
        awaitSynced("zone-2", 1);
        put(zones.get("zone-1"), Fixtures.dataplane("default", "dp", "10.0.0.1"));
        put(zones.get("zone-2"), Fixtures.dataplane("default", "dp", "10.0.0.2"));
        Resource fromZone1 = Await.value("zone-1 dp at global", WAIT, () -> get(global, ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-1.dp")));
        Await.value("zone-2 dp at global", WAIT, () -> get(global, ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-2.dp")));
        assertThat(fromZone1.meta().labels()).containsEntry(KdsTypes.ORIGIN_LABEL, "zone").containsEntry(KdsTypes.ZONE_LABEL, "zone-1");

        // zone-1 deletes its dataplane: only zone-1's copy goes
        zones.get("zone-1").delete(ResourceKey.of(ResourceTypes.DATAPLANE, "default", "dp"), Precondition.ANY).toCompletableFuture().join();
        Await.until("zone-1 dp gone at global", WAIT, () -> get(global, ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-1.dp")) == null);
        assertThat(get(global, ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-2.dp"))).isNotNull();
        // zone dataplanes never travel down
        assertThat(count(zones.get("zone-2"), ResourceTypes.DATAPLANE)).isEqualTo(1);
    }

    @Test
    void globalMeshDeletionNeverDeletesZoneOriginResources() {
        put(global, Fixtures.mesh("other"));
        put(global, Fixtures.timeout("other", "t", "10s"));
        InMemoryStore zone1 = zones.get("zone-1");
        Await.value("policy at zone", WAIT, () -> get(zone1, ResourceKey.of(ResourceTypes.MESH_TIMEOUT, "other", "t")));
        put(zone1, Fixtures.dataplane("other", "local", "10.0.0.9"));
        global.delete(ResourceKey.of(ResourceTypes.MESH, "", "other"), Precondition.ANY).toCompletableFuture().join();
        Await.until("synced policy removed", WAIT, () -> get(zone1, ResourceKey.of(ResourceTypes.MESH_TIMEOUT, "other", "t")) == null);
        assertThat(get(zone1, ResourceKey.of(ResourceTypes.DATAPLANE, "other", "local"))).isNotNull();
        assertThat(get(zone1, ResourceKey.of(ResourceTypes.MESH, "", "other"))).isNotNull();
        // zone-2 had no local resources there: the mesh goes
        Await.until("mesh removed at zone-2", WAIT, () -> get(zones.get("zone-2"), ResourceKey.of(ResourceTypes.MESH, "", "other")) == null);
    }

    @Test
    void resumeAfterReconnectSendsNothingWhenNothingChangedAndOnlyTheDifferenceOtherwise() {
        for (int i = 0; i < 20; i++) put(global, Fixtures.timeout("default", "t" + i, "10s"));
        awaitSynced("zone-1", 1);
        Await.until("20 at zone-1", WAIT, () -> count(zones.get("zone-1"), ResourceTypes.MESH_TIMEOUT) == 20);
        Await.until("20 at zone-2", WAIT, () -> count(zones.get("zone-2"), ResourceTypes.MESH_TIMEOUT) == 20);
        long before = sentTo.get("zone-1").get();

        clients.get("zone-1").reconnect();
        awaitSynced("zone-1", 2);
        assertThat(sentTo.get("zone-1").get()).as("resources sent to an unchanged zone on resume").isEqualTo(before);

        // Changes while disconnected: only those flow on resume.
        clients.get("zone-1").close();
        // Count only what the next connection receives: the closed one's server side must be gone first.
        Await.until("zone-1's old streams closed at the global", WAIT, () -> handler.openStreams().stream().noneMatch(st -> st.zone().equals("zone-1")));
        put(global, Fixtures.timeout("default", "t0", "99s"));
        global.delete(timeoutKey("t1"), Precondition.ANY).toCompletableFuture().join();
        long beforeResume = sentTo.get("zone-1").get();
        List<String> zone1Events = new ArrayList<>();
        AutoCloseable sub = zones.get("zone-1").changes().subscribe(e -> zone1Events.add(e.kind() + " " + e.key()));
        closeables.add(sub);
        connect("zone-1");
        awaitSynced("zone-1", 3);
        Await.until("t1 removed", WAIT, () -> get(zones.get("zone-1"), timeoutKey("t1")) == null);
        assertThat(sentTo.get("zone-1").get() - beforeResume).isEqualTo(2);
        assertThat(zone1Events).containsExactlyInAnyOrder("UPDATED MeshTimeout/default/t0", "DELETED MeshTimeout/default/t1");
    }

    @Test
    void nackedResourceIsRecordedNotResentAndOthersKeepFlowing() {
        // zone-1 holds a zone-origin resource where the global will write one: it must refuse (NACK) and keep its own.
        Resource local = Fixtures.timeout("default", "clash", "1s");
        put(zones.get("zone-1"), Fixtures.mesh("default"));
        put(zones.get("zone-1"), local.withMeta(Meta.fresh("default", "clash", Map.of(KdsTypes.ORIGIN_LABEL, "zone"))));
        put(global, Fixtures.timeout("default", "clash", "10s"));
        Await.until("NACK from zone-1", WAIT, () -> nacksFrom.getOrDefault("zone-1", Map.of()).containsKey("default/clash"));
        assertThat(nacksFrom.get("zone-1").get("default/clash")).contains("not synced from this peer");
        assertThat(Envelope.version(get(zones.get("zone-1"), timeoutKey("clash")))).isEqualTo(Envelope.version(local));

        int responses = responsesTo.get("zone-1").get();
        put(global, Fixtures.timeout("default", "next", "10s"));
        Await.value("next at zone-1", WAIT, () -> get(zones.get("zone-1"), timeoutKey("next")));
        Await.value("clash at zone-2", WAIT, () -> get(zones.get("zone-2"), timeoutKey("clash")));
        // one response for "next"; the NACKed clash was not re-sent with it or after it
        assertThat(responsesTo.get("zone-1").get() - responses).isEqualTo(1);
    }

    @Test
    void twentyThousandResourcesAreSplitBelowTheMessageLimit() {
        awaitSynced("zone-1", 1);
        int before = responsesTo.get("zone-1").get();
        for (int i = 0; i < 20_000; i++) put(global, Fixtures.timeout("default", "bulk-" + i, "10s"));
        for (InMemoryStore zone : zones.values()) {
            Await.until("20000 at zone", Duration.ofSeconds(60), () -> count(zone, ResourceTypes.MESH_TIMEOUT) == 20_000);
        }
        assertThat(responsesTo.get("zone-1").get() - before).isGreaterThan(2);
    }

    @Test
    void garbageAndUnknownTypesAffectNoOtherZone() throws Exception {
        ManagedChannel raw = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        closeables.add(raw::shutdownNow);
        Metadata md = new Metadata();
        md.put(KdsGrpc.ZONE, "evil");
        Channel evil = ClientInterceptors.intercept(raw, MetadataUtils.newAttachHeadersInterceptor(md));
        List<DeltaDiscoveryRequest> fromGlobal = new java.util.concurrent.CopyOnWriteArrayList<>();
        StreamObserver<DeltaDiscoveryResponse> up = KdsGrpc.zoneToGlobal(evil, CallOptions.DEFAULT, collect(fromGlobal));
        StreamObserver<DeltaDiscoveryRequest> down = KdsGrpc.globalToZone(evil, CallOptions.DEFAULT, collect(new ArrayList<>()));
        down.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl("type.ursa.dev/kds.v1.MeshFromTheFuture").build());
        down.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(KdsTypes.typeUrl(ResourceTypes.MESH)).setResponseNonce("nonsense").build());
        up.onNext(DeltaDiscoveryResponse.newBuilder().setTypeUrl(KdsTypes.typeUrl(ResourceTypes.DATAPLANE)).setNonce("1")
                .addResources(io.envoyproxy.envoy.service.discovery.v3.Resource.newBuilder().setName("default/x")
                        .setResource(com.google.protobuf.Any.newBuilder().setTypeUrl("junk").setValue(com.google.protobuf.ByteString.copyFromUtf8("\u0001garbage"))))
                .build());
        up.onNext(DeltaDiscoveryResponse.newBuilder().setTypeUrl("type.ursa.dev/kds.v1.Secret").setNonce("2").build());
        Await.until("NACK of the garbage", WAIT, () -> fromGlobal.stream().anyMatch(r -> r.getResponseNonce().equals("1") && r.hasErrorDetail()));
        // the other zones still sync
        put(global, Fixtures.timeout("default", "after-garbage", "10s"));
        Await.value("policy at zone-2", WAIT, () -> get(zones.get("zone-2"), timeoutKey("after-garbage")));
        assertThat(count(global, ResourceTypes.DATAPLANE)).isZero();
    }

    static <T> StreamObserver<T> collect(List<T> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
