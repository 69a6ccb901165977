package dev.ursa.global.leader;

import dev.ursa.cp.leader.Leadership;
import dev.ursa.cp.store.postgres.PostgresLeadership;
import dev.ursa.cp.testing.TestPostgres;
import dev.ursa.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The election on a real Postgres (a fresh database per test): one leader among replicas, a growing term at each change
 * of leader, a quick hand-over when the leader stops, and a leader cut off from its lease that stops leading by itself
 * before anyone else can lead. A sampler checks throughout that two replicas never lead at once.
 */
class PostgresLeadershipIT {
    private static final Duration LEASE = Duration.ofMillis(1500);
    private static final Duration RENEW = Duration.ofMillis(300);
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Vertx vertx = Vertx.vertx();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Leadership> replicas = new CopyOnWriteArrayList<>();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private String database;
    private Thread sampler;

    @BeforeEach
    void freshDatabase() throws Exception {
        database = "ursa_leader_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (var admin = new Admin(vertx, TestPostgres.get().database())) {
            admin.run("create database " + database);
        }
        sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                if (replicas.stream().filter(Leadership::isLeader).count() > 1) overlaps.incrementAndGet();
                Thread.onSpinWait();
            }
        });
    }

    @AfterEach
    void dropDatabase() throws Exception {
        sampling.set(false);
        sampler.join();
        for (AutoCloseable c : closeables.reversed()) c.close();
        try (var admin = new Admin(vertx, TestPostgres.get().database())) {
            admin.run("drop database if exists " + database + " with (force)");
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private PostgresLeadership replica(String id) {
        TestPostgres pg = TestPostgres.get();
        PgConnectOptions options = new PgConnectOptions().setHost(pg.host()).setPort(pg.port()).setDatabase(database)
                .setUser(pg.user()).setPassword(pg.password());
        PostgresLeadership l = new PostgresLeadership(vertx, options, id, LEASE, RENEW).start();
        closeables.add(l);
        replicas.add(l);
        return l;
    }

    @Test
    void oneReplicaLeadsAndAnotherTakesOverWithAHigherTermWhenItStops() {
        PostgresLeadership a = replica("replica-a");
        PostgresLeadership b = replica("replica-b");
        PostgresLeadership c = replica("replica-c");
        Leadership first = Await.value("a leader", DEADLINE, () -> replicas.stream().filter(Leadership::isLeader).findFirst().orElse(null));
        assertThat(first.state().term()).isEqualTo(1);
        Await.until("every replica live", DEADLINE, () -> first.liveReplicas().containsAll(List.of("replica-a", "replica-b", "replica-c")));
        List<Leadership.State> heard = new CopyOnWriteArrayList<>();
        for (Leadership r : List.of(a, b, c)) if (r != first) r.subscribe(s -> { if (s.leader()) heard.add(s); });

        ((PostgresLeadership) first).close();
        replicas.remove(first);
        assertThat(first.isLeader()).isFalse();
        // A stopping leader gives its lease up: the next round of another replica takes it, far sooner than the lease.
        Duration handOver = Await.until("another leader", Duration.ofMillis(LEASE.toMillis()),
                () -> replicas.stream().anyMatch(Leadership::isLeader));
        Leadership second = replicas.stream().filter(Leadership::isLeader).findFirst().orElseThrow();
        assertThat(second.state().term()).isEqualTo(2);
        assertThat(handOver).isLessThan(LEASE);
        Await.until("listeners told", DEADLINE, () -> heard.equals(List.of(second.state())));
        Await.until("the stopped replica leaves the live list", DEADLINE, () -> !second.liveReplicas().contains(first.instanceId()));
        Await.holds("one leader", RENEW.multipliedBy(5), () -> replicas.stream().filter(Leadership::isLeader).count() == 1);
        assertThat(overlaps.get()).as("moments with two leaders").isZero();
    }

    @Test
    void aLeaderThatCannotRenewStopsLeadingWhenItsLeaseRunsOutAndTheNextLeaderGetsANewTerm() throws Exception {
        PostgresLeadership a = replica("replica-a");
        Await.until("a leads", DEADLINE, a::isLeader);
        PostgresLeadership b = replica("replica-b");
        Await.until("b is live", DEADLINE, () -> a.liveReplicas().contains("replica-b"));
        List<Leadership.State> heardByA = new CopyOnWriteArrayList<>();
        a.subscribe(heardByA::add);

        // The lease row locked by another transaction: no replica can renew or take it (a database the leader cannot reach).
        try (var locker = new Admin(vertx, database)) {
            Transaction tx = locker.begin();
            locker.run("select * from ursa_leader_lease for update");
            long locked = System.nanoTime();
            Await.until("a stops leading", DEADLINE, () -> !a.isLeader());
            assertThat(Duration.ofNanos(System.nanoTime() - locked)).as("time a still led").isLessThanOrEqualTo(LEASE);
            Await.until("a's listeners told", DEADLINE, () -> heardByA.contains(Leadership.State.FOLLOWER));
            assertThat(b.isLeader()).isFalse();
            tx.commit().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        Leadership next = Await.value("a new leader", DEADLINE, () -> replicas.stream().filter(Leadership::isLeader).findFirst().orElse(null));
        assertThat(next.state().term()).as("the lease expired: a new term even if a takes it again").isEqualTo(2);
        assertThat(overlaps.get()).as("moments with two leaders").isZero();
    }

    @Test
    void aRenewalIntervalNotShorterThanTheLeaseIsRefusedNamingBothKeys() {
        PgConnectOptions options = new PgConnectOptions();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PostgresLeadership(vertx, options, "x", LEASE, LEASE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ursa.leader.renew-interval").hasMessageContaining("ursa.leader.lease-duration");
    }

    /** A plain connection for the test's own statements. */
    private static final class Admin implements AutoCloseable {
        private final PgConnection connection;

        Admin(Vertx vertx, String db) throws Exception {
            TestPostgres pg = TestPostgres.get();
            connection = PgConnection.connect(vertx, new PgConnectOptions().setHost(pg.host()).setPort(pg.port()).setDatabase(db)
                    .setUser(pg.user()).setPassword(pg.password())).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        void run(String sql) throws Exception {
            connection.preparedQuery(sql).execute(Tuple.tuple()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        Transaction begin() throws Exception {
            return connection.begin().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            connection.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
