package dev.ursa.global.store;

import dev.ursa.cp.store.StoreProducer;
import dev.ursa.cp.store.postgres.PgChangeFeed;
import dev.ursa.cp.store.postgres.PostgresStore;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.resources.ZoneSpec;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.ResyncNeeded;
import dev.ursa.mesh.store.StoreException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Postgres change feed seen from outside the writing store: a second, independent LISTEN connection. */
@QuarkusTest
@TestProfile(PostgresTestProfile.class)
class PostgresStoreFeedIT {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

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

    private PostgresStore store;
    private String listenerName;
    private PgChangeFeed secondFeed;
    private final EventLog second = new EventLog();

    @BeforeEach
    void startSecondListener() {
        PostgresDatabase.requireReachable(pool);
        store = (PostgresStore) StoreProducer.unwrap(injected);
        await(store.ready());
        pool.query("truncate ursa_resource").execute().await().atMost(DEADLINE);
        listenerName = "ursa-test-listener-" + UUID.randomUUID();
        PgConnectOptions options = StoreProducer.listenOptions(config).addProperty("application_name", listenerName);
        secondFeed = new PgChangeFeed(vertx, options).start();
        await(secondFeed.listening());
        secondFeed.subscribe(second);
    }

    @AfterEach
    void stopSecondListener() {
        secondFeed.close();
    }

    @Test
    void anIndependentListenerReceivesEveryCommittedChangeInOrderAndNothingRolledBack() {
        EventLog own = new EventLog();
        store.changes().subscribe(own);

        await(store.put(mesh("m1"), Precondition.ANY));
        await(store.put(zone("z1", true), Precondition.ANY));
        // A transaction that notifies and then rolls back: Postgres must never deliver it.
        assertThatThrownBy(() -> pool.withTransaction(conn -> conn
                        .preparedQuery("select count(*) from pg_notify($1, $2)")
                        .execute(Tuple.of(PgChangeFeed.CHANNEL, "{\"type\":\"Zone\",\"mesh\":\"\",\"name\":\"rolled-back\",\"kind\":\"CREATED\",\"version\":1,\"at\":\"2026-01-01T00:00:00Z\"}"))
                        .chain(() -> Uni.createFrom().failure(new IllegalStateException("roll back"))))
                .await().atMost(DEADLINE)).hasMessage("roll back");
        // Refused writes roll back as well.
        assertThatThrownBy(() -> await(store.put(zone("z1", false), Precondition.version(5)))).isInstanceOf(StoreException.Conflict.class);
        assertThatThrownBy(() -> await(store.put(zone("z1", false), Precondition.ABSENT))).isInstanceOf(StoreException.AlreadyExists.class);
        await(store.put(zone("z1", false), Precondition.version(1)));
        await(store.delete(meshKey("m1"), Precondition.ANY));
        await(store.put(zone("last", true), Precondition.ANY));

        ResourceKey last = ResourceKey.of(ResourceTypes.ZONE, "", "last");
        assertThat(second.await(e -> e.key().equals(last), DEADLINE)).as("the last write reached the second listener").isPresent();
        assertThat(own.await(e -> e.key().equals(last), DEADLINE)).as("the last write reached the store's own feed").isPresent();
        List<String> expected = List.of("Mesh/m1 CREATED v1", "Zone/z1 CREATED v1", "Zone/z1 UPDATED v2", "Mesh/m1 DELETED v1", "Zone/last CREATED v1");
        assertThat(describe(second.events())).containsExactlyElementsOf(expected);
        assertThat(describe(own.events())).containsExactlyElementsOf(expected);
    }

    @Test
    void dataSurvivesRecreatingTheStoreOnNewConnections() throws Exception {
        await(store.put(mesh("m1"), Precondition.ANY));
        Resource written = await(store.put(zone("z1", false), Precondition.ANY)).resource();

        try (PostgresStore recreated = new PostgresStore(sessions, vertx,
                new PgChangeFeed(vertx, StoreProducer.listenOptions(config)), Clock.systemUTC()).start()) {
            await(recreated.ready());
            assertThat(await(recreated.get(written.key()))).contains(written);
            assertThat(await(recreated.list(ListQuery.all(ResourceTypes.MESH))).total()).isEqualTo(1);
            EventLog events = new EventLog();
            recreated.changes().subscribe(events);
            await(recreated.put(zone("z1", true), Precondition.version(1)));
            assertThat(events.await(e -> e.key().equals(written.key()) && e.version() == 2, DEADLINE)).isPresent();
        }

        // And on a plain connection of its own, outside Hibernate and the pool.
        PgConnection raw = PgConnection.connect(vertx, StoreProducer.listenOptions(config)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            var rows = raw.preparedQuery("select version, spec->>'enabled' from ursa_resource where type = 'Zone' and name = 'z1'")
                    .execute().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(rows.size()).isEqualTo(1);
            var row = rows.iterator().next();
            assertThat(row.getLong(0)).isEqualTo(2);
            assertThat(row.getString(1)).isEqualTo("true");
        } finally {
            raw.close();
        }
    }

    @Test
    void aListenerWhoseConnectionIsKilledReconnectsSignalsTheGapAndDeliversLaterChanges() {
        List<ResyncNeeded> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();
        secondFeed.subscribeResync(gaps::add);
        await(store.put(zone("before", true), Precondition.ANY));
        assertThat(second.await(e -> e.key().name().equals("before"), DEADLINE)).isPresent();

        Long killed = pool.preparedQuery("select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = $1")
                .execute(Tuple.of(listenerName)).await().atMost(DEADLINE).iterator().next().getLong(0);
        assertThat(killed).isEqualTo(1);

        // Changes committed while the listener is down are lost (documented); keep writing until one arrives again.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean delivered = false;
        for (int i = 0; !delivered && System.nanoTime() < deadline; i++) {
            String name = "after-" + i;
            await(store.put(zone(name, true), Precondition.ANY));
            delivered = second.await(e -> e.key().name().equals(name), Duration.ofMillis(500)).isPresent();
        }
        assertThat(delivered).as("a change after the reconnect reached the listener").isTrue();
        // The resync signal comes once LISTEN is back, before any change delivered after the reconnect.
        assertThat(gaps).as("exactly one gap reported").hasSize(1);
        assertThat(gaps.getFirst().since()).as("the last delivery before the gap").isNotNull();
        assertThat(gaps.getFirst().resumedAt()).isBeforeOrEqualTo(second.events().getLast().at().plusSeconds(5));
    }

    @Test
    void instancesStartingTogetherCreateTheSchemaOnceWithoutErrors() throws Exception {
        pool.query("drop table ursa_resource").execute().await().atMost(DEADLINE);
        List<PostgresStore> instances = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                instances.add(new PostgresStore(sessions, vertx, new PgChangeFeed(vertx, StoreProducer.listenOptions(config)), Clock.systemUTC()));
            }
            // start() kicks off schema creation asynchronously, so the four DDL transactions really overlap.
            List<CompletionStage<Void>> ready = instances.stream().map(p -> p.start().ready()).toList();
            for (CompletionStage<Void> r : ready) await(r);
            Resource z = await(instances.get(0).put(zone("z1", true), Precondition.ANY)).resource();
            assertThat(await(instances.get(3).get(z.key()))).contains(z);
        } finally {
            for (PostgresStore p : instances) p.close();
        }
    }

    private static List<String> describe(List<ChangeEvent> events) {
        return events.stream().map(e -> e.key() + " " + e.kind() + " v" + e.version()).toList();
    }

    private static Resource mesh(String name) {
        return new Resource(ResourceTypes.MESH, Meta.fresh("", name, Map.of()), MeshSpec.empty());
    }

    private static Resource zone(String name, boolean enabled) {
        return new Resource(ResourceTypes.ZONE, Meta.fresh("", name, Map.of()), new ZoneSpec(enabled));
    }

    private static ResourceKey meshKey(String name) {
        return ResourceKey.of(ResourceTypes.MESH, "", name);
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError("store call did not complete within " + DEADLINE, e);
        }
    }
}
