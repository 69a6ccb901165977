package dev.ursa.global.store;

import dev.ursa.cp.store.StoreProducer;
import dev.ursa.cp.store.postgres.PgChangeFeed;
import dev.ursa.cp.store.postgres.PostgresStore;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.testing.SampleResources;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.ResyncNeeded;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.peer.Backoff;
import dev.ursa.sync.peer.KdsServerHandler;
import dev.ursa.sync.peer.KdsZoneClient;
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
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes committed while the global's LISTEN connection is down still reach every zone. The index's feed listens as
 * a role of its own: the test kills that backend with {@code pg_terminate_backend} and forbids the role to log in, so
 * the commits made meanwhile certainly fall into the gap; then lets it back in and expects the zones to converge.
 */
@QuarkusTest
@TestProfile(PostgresTestProfile.class)
class PostgresFeedGapKdsIT {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ResourceStore injected;
    @Inject
    Pool pool;
    @Inject
    Mutiny.SessionFactory sessions;
    @Inject
    Vertx vertx;
    @Inject
    Config config;

    final List<AutoCloseable> closeables = new ArrayList<>();
    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    final String role = "ursa_gap_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
        timer.shutdownNow();
        workers.shutdownNow();
        sql("select count(pg_terminate_backend(pid)) from pg_stat_activity where usename = $1", role);
        pool.query("drop role if exists " + role).execute().await().atMost(WAIT);
    }

    @Test
    void zonesConvergeOnChangesCommittedWhileTheListenConnectionWasDown() throws Exception {
        PostgresDatabase.requireReachable(pool);
        PostgresStore writer = (PostgresStore) StoreProducer.unwrap(injected);
        await(writer.ready());
        pool.query("truncate ursa_resource").execute().await().atMost(WAIT);
        pool.query("create role " + role + " login password 'gap'").execute().await().atMost(WAIT);

        PgChangeFeed feed = new PgChangeFeed(vertx, StoreProducer.listenOptions(config).setUser(role).setPassword("gap")
                .addProperty("application_name", role)).start();
        closeables.add(feed);
        await(feed.listening());
        List<ResyncNeeded> gaps = new CopyOnWriteArrayList<>();
        List<ChangeEvent> delivered = new CopyOnWriteArrayList<>();
        feed.subscribeResync(gaps::add);
        feed.subscribe(delivered::add);
        // Reads through the app's pool, changes through the feed under test.
        PostgresStore globalStore = new PostgresStore(sessions, vertx, feed, Clock.systemUTC());

        await(writer.put(parse("type: Mesh\nname: default\n"), Precondition.ANY));
        await(writer.put(timeout("updated", "1s"), Precondition.ANY));
        await(writer.put(timeout("deleted", "1s"), Precondition.ANY));
        ResourceIndex index = new ResourceIndex(globalStore, KdsTypes.globalToZone(), r -> true).start();
        closeables.add(index);
        Map<String, InMemoryStore> zones = startGlobalAndZones(index, "zone-1", "zone-2");
        Await.until("both zones synced", WAIT, () -> zones.values().stream().allMatch(z -> idle(z, "updated").equals(Optional.of("1s"))));

        sql("alter role " + role + " nologin");
        assertThat(sql("select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = $1", role)).isEqualTo(1);
        await(writer.put(timeout("updated", "2s"), Precondition.ANY));
        await(writer.put(timeout("created", "3s"), Precondition.ANY));
        await(writer.delete(key("deleted"), Precondition.ANY));
        sql("alter role " + role + " login");

        Await.until("every zone to converge on the changes made during the gap", WAIT, () -> zones.values().stream().allMatch(z ->
                idle(z, "updated").equals(Optional.of("2s")) && idle(z, "created").equals(Optional.of("3s")) && idle(z, "deleted").isEmpty()));
        assertThat(gaps).as("the feed reported the gap").hasSize(1);
        assertThat(delivered).as("the changes really fell into the gap (no event for them)")
                .noneMatch(e -> e.key().name().equals("created") || e.kind() == dev.ursa.mesh.store.ChangeKind.DELETED || e.version() == 2);
        assertThat(index.resyncs()).isEqualTo(1);
        for (InMemoryStore z : zones.values()) {
            assertThat(z.get(ResourceKey.of(ResourceTypes.MESH, "", "default")).toCompletableFuture().get()).isPresent();
        }
    }

    private Map<String, InMemoryStore> startGlobalAndZones(ResourceIndex index, String... zoneNames) throws Exception {
        InMemoryStore sinkStore = new InMemoryStore(); // what zones send up is not under test here
        KdsServerHandler handler = new KdsServerHandler(index, zone -> StoreSink.fromZone(sinkStore, zone), timer, workers, Clock.systemUTC(),
                KdsServerHandler.Settings.defaults(), new KdsServerHandler.Events() {
        });
        ServerInterceptor zoneFromHeader = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(KdsServerHandler.ZONE, headers.get(KdsGrpc.ZONE)), call, headers, next);
            }
        };
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(KdsGrpc.service(handler), zoneFromHeader)).build().start();
        closeables.add(server::shutdownNow);
        Map<String, InMemoryStore> zones = new java.util.LinkedHashMap<>();
        for (String zone : zoneNames) {
            InMemoryStore store = new InMemoryStore();
            ResourceIndex local = new ResourceIndex(store, KdsTypes.zoneToGlobal(), r -> false).start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
            Metadata md = new Metadata();
            md.put(KdsGrpc.ZONE, zone);
            Channel withZone = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
            KdsZoneClient client = new KdsZoneClient(withZone, local, StoreSink.fromGlobal(store), new KdsZoneClient.Settings(timer, workers, Clock.systemUTC(),
                    new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), new Random(1)), Duration.ofMillis(10), 512 * 1024),
                    new KdsZoneClient.Events() {
                    });
            closeables.add(channel::shutdownNow);
            closeables.add(local);
            closeables.add(client);
            client.start();
            zones.put(zone, store);
        }
        return zones;
    }

    private static Optional<String> idle(InMemoryStore zone, String name) {
        try {
            return zone.get(key(name)).toCompletableFuture().get()
                    .map(r -> ResourceCodec.encode(r).path("spec").path("to").get(0).path("default").path("idleTimeout").asText());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long sql(String statement, String... params) {
        var rows = pool.preparedQuery(statement).execute(Tuple.from(List.of((Object[]) params))).await().atMost(WAIT);
        var it = rows.iterator();
        return it.hasNext() && it.next().getValue(0) instanceof Number n ? n.longValue() : 0;
    }

    private static ResourceKey key(String name) {
        return ResourceKey.of(ResourceTypes.MESH_TIMEOUT, "default", name);
    }

    private static Resource timeout(String name, String idle) {
        return parse(SampleResources.meshTimeout("default", name, idle));
    }

    private static Resource parse(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
