package dev.ursa.it.chaos;

import dev.ursa.it.EventsFeed;
import dev.ursa.it.Http;
import dev.ursa.it.TestDatabase;
import dev.ursa.it.UrsaProcess;
import dev.ursa.it.XdsTokens;
import dev.ursa.testsupport.Await;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durability under chaos: a global and a zone CP, both on Postgres reached through a {@link FaultProxy}, the zone's KDS
 * through another. Scenario c adds a second global replica on the same database, the zone's KDS proxy becoming the
 * load balancer in front of both, and kills one replica (kill -9; the leader, then the follower, and so on) again and
 * again under concurrent writers (each write to the other replica, a failed one retried on the other) and xDS watchers;
 * scenario d, on the one global again, cuts Postgres away from both control planes (every connection reset, new ones
 * refused) under load. Each
 * prints its figures ({@link ChaosReport}) and fails on any loss. Bounded by default; {@code -Dursa.chaos.soak=true}
 * runs the long form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurabilityChaosIT {
    static final String ZONE = "zone-1";
    static final Duration CONVERGE = Duration.ofSeconds(90);

    TestDatabase globalDb;
    TestDatabase zoneDb;
    FaultProxy postgres;
    ChaosFederation fed;
    String token;

    @BeforeAll
    void start() throws Exception {
        globalDb = TestDatabase.create();
        zoneDb = TestDatabase.create();
        URI server = URI.create(globalDb.storeProps().get("quarkus.datasource.reactive.url"));
        postgres = new FaultProxy(server.getPort());
        fed = ChaosFederation.start("durability-chaos", List.of(ZONE), viaProxy(globalDb), zone -> viaProxy(zoneDb));
        token = XdsTokens.dataplane(fed.zoneUrl(ZONE), "default");
        // a service in the zone, so every xDS client has a cluster the policies shape
        put(fed.zoneUrl(ZONE) + "/meshes/default/dataplanes/backend", Inventory.dataplane("backend", "backend", 8080));
    }

    /** {@code db}'s store properties with the server reached through {@link #postgres}. */
    Map<String, String> viaProxy(TestDatabase db) {
        Map<String, String> props = new LinkedHashMap<>(db.storeProps());
        URI url = URI.create(props.get("quarkus.datasource.reactive.url"));
        props.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + postgres.port() + url.getPath());
        return props;
    }

    @AfterAll
    void stop() throws Exception {
        if (fed != null) fed.close();
        if (postgres != null) postgres.close();
        if (zoneDb != null) zoneDb.close();
        if (globalDb != null) globalDb.close();
    }

    static void put(String url, String yaml) throws Exception {
        Http.Reply r = Http.putYaml(url, yaml, null);
        assertThat(r.status()).as("PUT %s: %s", url, r.body()).isBetween(200, 201);
    }

    /** PUT that counts as acknowledged on 2xx only; anything else (refused, 503, timeout) is a failure the writer retries. */
    static boolean tryPut(String url, String yaml) {
        try {
            return Http.putYaml(url, yaml, null).status() / 100 == 2;
        } catch (Exception e) {
            return false; // the global is down or restarting
        }
    }

    /** The zone holds exactly the global's MeshTimeouts; the time that took. */
    Duration awaitZoneConverged(String what) {
        return Await.until(what + ": " + ZONE + " holds the global's MeshTimeouts", CONVERGE,
                () -> Inventory.specs(fed.zoneUrl(ZONE), "meshtimeouts").equals(Inventory.specs(fed.globalUrl(), "meshtimeouts")));
    }

    /** One writer's view: the last idleTimeout acknowledged per name, and the one in flight after it. */
    record Writer(Map<String, String> acked, Map<String, String> attempted, AtomicInteger acks, AtomicInteger failures) {
        Writer() {
            this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new AtomicInteger(), new AtomicInteger());
        }

        /** Names whose acknowledged write the global does not hold (neither it nor the later one in flight). */
        List<String> lost(Map<String, String> globalSpecs) {
            List<String> lost = new ArrayList<>();
            acked.forEach((name, idle) -> {
                String now = Inventory.idleTimeout(globalSpecs.get(name));
                if (!idle.equals(now) && !attempted.get(name).equals(now)) lost.add(name + ": acknowledged " + idle + ", holds " + now);
            });
            return lost;
        }
    }

    /** A global replica of scenario c on the shared database, killed (-9) and restarted on the same ports. */
    interface Replica {
        String name();

        String url();

        int kdsPort();

        /** The current process (the dead one between a kill and the restart). */
        UrsaProcess process();

        void kill() throws InterruptedException;

        /** Starts it again and waits until it is ready. */
        void start() throws IOException;
    }

    /** The federation's global as replica "a": its KDS port is where the zone's proxy pointed from the start. */
    Replica federationGlobal() {
        int kds = fed.kds(ZONE).target();
        return new Replica() {
            public String name() {
                return "a";
            }

            public String url() {
                return fed.globalUrl();
            }

            public int kdsPort() {
                return kds;
            }

            public UrsaProcess process() {
                return fed.global();
            }

            public void kill() throws InterruptedException {
                fed.killGlobal();
            }

            public void start() throws IOException {
                fed.startGlobal();
            }
        };
    }

    /** Another global process on the same database, with HTTP and KDS ports of its own. */
    static final class ExtraGlobal implements Replica {
        private final String name;
        private final int http;
        private final int kds;
        private final Map<String, String> props;
        private volatile UrsaProcess process;

        ExtraGlobal(String name, Map<String, String> store) throws IOException {
            int[] ports = ChaosFederation.distinctFreePorts(2);
            this.name = name;
            this.http = ports[0];
            this.kds = ports[1];
            this.props = new LinkedHashMap<>(store);
            props.put("ursa.kds.port", Integer.toString(kds));
        }

        public String name() {
            return name;
        }

        public String url() {
            return "http://127.0.0.1:" + http;
        }

        public int kdsPort() {
            return kds;
        }

        public UrsaProcess process() {
            return process;
        }

        public void kill() throws InterruptedException {
            process.kill();
        }

        public void start() throws IOException {
            process = UrsaProcess.start("durability-chaos-global-" + name, "global-cp", http, props);
        }

        void close() throws InterruptedException {
            if (process != null) process.close();
        }
    }

    /** The one replica that leads; null while none or both say so. */
    static Replica leaderOf(List<Replica> replicas) {
        List<Replica> leading = replicas.stream().filter(r -> ChaosReport.leads(r.url())).toList();
        return leading.size() == 1 ? leading.getFirst() : null;
    }

    static Replica other(List<Replica> replicas, Replica one) {
        return replicas.get(0) == one ? replicas.get(1) : replicas.get(0);
    }

    /** Whether the global at {@code url} holds the zone's two sync streams (one per direction; there is one zone). */
    static boolean holdsZoneStreams(String url) {
        try {
            Http.Reply r = Http.getText(url + "/q/metrics");
            int open = 0;
            for (String line : r.body().split("\n")) {
                boolean sync = line.startsWith("ursa_kds_streams_open{direction=\"global_to_zone\"")
                        || line.startsWith("ursa_kds_streams_open{direction=\"zone_to_global\"");
                if (sync && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 1) open++;
            }
            return open == 2; // the zone's inspect stream is a third one, not part of the sync
        } catch (Exception e) {
            return false;
        }
    }

    /** Samples every 200 ms which replica (process) leads: the changes of leader seen, and samples where two led at once. */
    static final class LeaderWatch implements AutoCloseable {
        private final List<Replica> replicas;
        private final AtomicInteger changes = new AtomicInteger();
        private final AtomicInteger twoLeaders = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private String leader;

        LeaderWatch(List<Replica> replicas) {
            this.replicas = replicas;
            this.thread = Thread.ofVirtual().start(this::sample);
        }

        private void sample() {
            try {
                while (running.get()) {
                    List<String> leading = new ArrayList<>();
                    for (Replica r : replicas) {
                        UrsaProcess p = r.process();
                        if (p != null && ChaosReport.leads(r.url())) leading.add(r.name() + "#" + p.pid());
                    }
                    if (leading.size() > 1) twoLeaders.incrementAndGet();
                    if (leading.size() == 1 && !leading.getFirst().equals(leader)) {
                        if (leader != null) changes.incrementAndGet();
                        leader = leading.getFirst();
                    }
                    ChaosReport.pace(Duration.ofMillis(200)); // the sampling period
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int changes() {
            return changes.get();
        }

        int twoLeaders() {
            return twoLeaders.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    @Test
    @Order(1)
    void killingAGlobalReplicaOverAndOverLosesNoAcknowledgedWriteAndEveryClientEndsWithTheFinalConfig() throws Exception {
        Duration window = ChaosReport.duration(Duration.ofSeconds(60), Duration.ofMinutes(5));
        Duration killEvery = Duration.ofSeconds(20);
        int clients = ChaosReport.count(30, 200);
        FaultProxy lb = fed.kds(ZONE); // the load balancer in front of the replicas' KDS ports, which the zone dials
        List<Replica> replicas = List.of(federationGlobal(), new ExtraGlobal("b", viaProxy(globalDb)));
        ExtraGlobal b = (ExtraGlobal) replicas.get(1);
        List<EventsFeed> feeds = new CopyOnWriteArrayList<>();
        List<AdsWatcher> watchers = new ArrayList<>();
        try {
            b.start();
            Replica first = Await.value("exactly one global replica leads", CONVERGE, () -> leaderOf(replicas));
            if (lb.target() != first.kdsPort()) lb.retarget(first.kdsPort()); // the zone starts on the leader
            Await.until("the zone's KDS streams on the leader", CONVERGE, () -> holdsZoneStreams(first.url()));
            feeds.add(new EventsFeed(fed.zoneUrl(ZONE)));
            for (Replica r : replicas) feeds.add(new EventsFeed(r.url()));
            for (int i = 0; i < clients; i++) watchers.add(new AdsWatcher(fed.xdsPort(ZONE), token, "watch-" + i));

            long begin = System.nanoTime();
            long end = begin + window.toNanos();
            AtomicBoolean writing = new AtomicBoolean(true); // until the window has passed and both kinds of kill happened
            AtomicInteger serverErrors = new AtomicInteger();
            List<Writer> writers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                Writer w = new Writer();
                writers.add(w);
                int id = k;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        int to = id % 2; // each write to the other replica than the last
                        for (int n = 1; writing.get(); n++) {
                            String name = "w" + id + "-" + (n % 25);
                            String idle = n + "s";
                            w.attempted().put(name, idle);
                            int failedInARow = 0;
                            while (writing.get() && !put500Aware(replicas.get(to).url() + "/meshes/default/meshtimeouts/" + name,
                                    Inventory.meshTimeout(name, idle, null), serverErrors)) {
                                w.failures().incrementAndGet();
                                to = 1 - to; // that replica may just have been killed: retry on the other at once
                                if (++failedInARow % 2 == 0) ChaosReport.pace(Duration.ofMillis(100)); // both failed: retry pace
                            }
                            if (!writing.get()) return;
                            w.acked().put(name, idle);
                            w.acks().incrementAndGet();
                            to = 1 - to;
                            ChaosReport.pace(Duration.ofMillis(200)); // each writer's write rate
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }

            int kills = 0;
            int leaderKills = 0;
            int zoneMoves = 0;
            long maxReconnect = 0;
            long maxFailover = 0;
            long maxRestart = 0;
            long nextKill = begin + killEvery.toNanos();
            try (LeaderWatch leaders = new LeaderWatch(replicas)) {
                while (nextKill - end < 0 || kills < 2) { // the leader and the follower at least once, however slow restarts are
                    ChaosReport.pace(Duration.ofNanos(Math.max(0, nextKill - System.nanoTime())));
                    boolean killLeader = kills % 2 == 0; // the leader, then the follower, and so on
                    Replica leader = Await.value("one replica leads before kill " + (kills + 1), CONVERGE, () -> leaderOf(replicas));
                    Replica victim = killLeader ? leader : other(replicas, leader);
                    Replica survivor = other(replicas, victim);
                    boolean zoneOnVictim = lb.target() == victim.kdsPort();
                    victim.kill();
                    long killed = System.nanoTime();
                    kills++;
                    if (killLeader) leaderKills++;
                    if (zoneOnVictim) lb.retarget(survivor.kdsPort()); // the load balancer drops the dead endpoint
                    long[] reconnected = {0};
                    long[] led = {0};
                    Await.until("kill " + kills + " (" + (killLeader ? "leader " : "follower ") + victim.name() + "): the zone's KDS streams on "
                            + survivor.name() + ", which leads", CONVERGE, () -> {
                        if (reconnected[0] == 0 && holdsZoneStreams(survivor.url())) reconnected[0] = System.nanoTime();
                        if (led[0] == 0 && ChaosReport.leads(survivor.url())) led[0] = System.nanoTime();
                        return reconnected[0] != 0 && led[0] != 0;
                    });
                    if (zoneOnVictim) {
                        zoneMoves++;
                        maxReconnect = Math.max(maxReconnect, reconnected[0] - killed);
                    }
                    if (killLeader) maxFailover = Math.max(maxFailover, led[0] - killed);
                    victim.start(); // at once, on the same ports and database: two replicas again
                    maxRestart = Math.max(maxRestart, System.nanoTime() - killed);
                    feeds.add(new EventsFeed(victim.url()));
                    nextKill = Math.max(killed + killEvery.toNanos(), System.nanoTime());
                }
                writing.set(false);
                Duration wrote = Duration.ofNanos(System.nanoTime() - begin);
                for (Thread t : threads) t.join();

                // the final config: one last change every client must end with
                String marker = (kills + 7) + "s";
                Replica leader = Await.value("a leader after the kills", CONVERGE, () -> leaderOf(replicas));
                Await.until("the final write is acknowledged", CONVERGE, () -> tryPut(leader.url() + "/meshes/default/meshtimeouts/final",
                        Inventory.meshTimeout("final", null, marker)));
                Map<String, String> global = Inventory.specs(other(replicas, leader).url(), "meshtimeouts");
                List<String> lost = new ArrayList<>();
                writers.forEach(w -> lost.addAll(w.lost(global)));
                Duration zoneConverged = awaitZoneConverged("after the kills");
                long t0 = System.nanoTime();
                Map<String, Cluster> finalConfig;
                try (AdsWatcher reference = new AdsWatcher(fed.xdsPort(ZONE), token, "reference")) {
                    long seconds = Long.parseLong(marker.replace("s", ""));
                    Await.until("a new client gets clusters with the final connect timeout " + marker, CONVERGE, () -> {
                        Map<String, Cluster> c = reference.clusters();
                        if (c == null || c.isEmpty()) throw new AssertionError("no clusters yet: " + c);
                        for (Cluster cl : c.values()) {
                            if (cl.getConnectTimeout().getSeconds() != seconds) throw new AssertionError(cl.getName() + " connect timeout " + cl.getConnectTimeout());
                        }
                        return true;
                    });
                    finalConfig = reference.clusters();
                }
                List<String> behind = new ArrayList<>();
                try {
                    Await.until("every watcher holds the final config", CONVERGE, () -> {
                        behind.clear();
                        for (AdsWatcher w : watchers) if (!finalConfig.equals(w.clusters())) behind.add(w.nodeId());
                        return behind.isEmpty();
                    });
                } catch (AssertionError e) {
                    // reported below with the figures
                }
                Duration clientsConverged = Duration.ofNanos(System.nanoTime() - t0);
                long failedStreams = watchers.stream().filter(w -> w.failure() != null).count();
                List<String> spurious = new ArrayList<>();
                feeds.forEach(feed -> spurious.addAll(feed.deletes())); // scenario c deletes nothing

                var f = ChaosReport.figures();
                f.put("window", window.toSeconds() + " s (writers ran " + wrote.toSeconds() + " s)");
                f.put("global replicas", replicas.size() + " (one database, KDS behind one load balancer)");
                f.put("kill -9", kills + " (" + leaderKills + " of the leader)");
                f.put("max restart (kill to ready)", ChaosReport.millis(Duration.ofNanos(maxRestart)));
                f.put("leader changes observed", leaders.changes());
                f.put("max failover (leader killed to survivor leading)", ChaosReport.millis(Duration.ofNanos(maxFailover)));
                f.put("zone moved to the survivor", zoneMoves);
                f.put("max zone reconnect (kill to KDS streams on the survivor)", ChaosReport.millis(Duration.ofNanos(maxReconnect)));
                f.put("acknowledged writes", writers.stream().mapToInt(w -> w.acks().get()).sum());
                f.put("failed attempts (retried on the other replica)", writers.stream().mapToInt(w -> w.failures().get()).sum());
                f.put("HTTP 500 answers", serverErrors.get());
                f.put("lost writes", lost.size());
                f.put("zone converged after the final write", ChaosReport.millis(zoneConverged));
                f.put("xDS clients", clients);
                f.put("clients without the final config", behind.size());
                f.put("clients converged in", ChaosReport.millis(clientsConverged));
                f.put("failed xDS streams", failedStreams);
                f.put("spurious deletes", spurious.size());
                f.put("samples with two leaders", leaders.twoLeaders());
                ChaosReport.print("c. a global replica (of 2) killed every " + killEvery.toSeconds() + " s", f);

                assertThat(leaderKills).as("kills of the leader").isPositive();
                assertThat(kills - leaderKills).as("kills of the follower").isPositive();
                assertThat(lost).as("acknowledged writes lost").isEmpty();
                assertThat(serverErrors.get()).as("HTTP 500 answers").isZero();
                assertThat(behind).as("clients without the final config").isEmpty();
                assertThat(failedStreams).as("xDS streams that failed").isZero();
                assertThat(spurious).as("deletes of resources that still exist").isEmpty();
                assertThat(feeds.getFirst().events()).as("the zone's change feed saw the writes (so it would have seen a delete)").isNotEmpty();
                assertThat(leaders.changes()).as("leader changes observed").isGreaterThanOrEqualTo(leaderKills);
                assertThat(leaders.twoLeaders()).as("samples where two replicas led").isZero();
            }
        } finally {
            watchers.forEach(AdsWatcher::close);
            feeds.forEach(EventsFeed::close);
            // scenario d runs with the federation's global alone, as before
            if (lb.target() != replicas.getFirst().kdsPort()) lb.retarget(replicas.getFirst().kdsPort());
            b.close();
        }
        Await.until("the federation's global leads alone", CONVERGE, () -> ChaosReport.leads(fed.globalUrl()));
        awaitZoneConverged("back on the federation's global");
    }

    @Test
    @Order(2)
    void losingPostgresUnderLoadIsSurvivedWithoutARestart() throws Exception {
        Duration outage = ChaosReport.duration(Duration.ofSeconds(10), Duration.ofSeconds(60));
        long globalPid = fed.global().pid();
        long zonePid = fed.zone(ZONE).pid();
        Writer atGlobal = new Writer();
        AtomicInteger serverErrors = new AtomicInteger();
        AtomicInteger zoneAcks = new AtomicInteger();
        AtomicInteger zoneFailures = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = Thread.ofVirtual().start(() -> {
            try {
                for (int n = 1; running.get(); n++) {
                    String name = "pg-" + (n % 20);
                    String idle = n + "s";
                    atGlobal.attempted().put(name, idle);
                    if (put500Aware(fed.globalUrl() + "/meshes/default/meshtimeouts/" + name, Inventory.meshTimeout(name, idle, null), serverErrors)) {
                        atGlobal.acked().put(name, idle);
                        atGlobal.acks().incrementAndGet();
                    } else {
                        atGlobal.failures().incrementAndGet();
                    }
                    if (n % 5 == 0) {
                        boolean ok = put500Aware(fed.zoneUrl(ZONE) + "/meshes/default/dataplanes/pg-" + (n % 10),
                                Inventory.dataplane("pg-" + (n % 10), "pg", 12_000 + n), serverErrors);
                        (ok ? zoneAcks : zoneFailures).incrementAndGet();
                    }
                    ChaosReport.pace(Duration.ofMillis(100));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Await.until("load running", Duration.ofSeconds(30), () -> atGlobal.acks().get() >= 10);
        postgres.partition();
        ChaosReport.pace(outage);
        postgres.heal();
        long healed = System.nanoTime();
        Duration globalBack = Await.until("the global writes again", CONVERGE, () -> tryPut(fed.globalUrl() + "/meshes/default/meshtimeouts/after-pg",
                Inventory.meshTimeout("after-pg", "9s", null)));
        Duration zoneBack = Await.until("the zone writes again", CONVERGE, () -> tryPut(fed.zoneUrl(ZONE) + "/meshes/default/dataplanes/after-pg",
                Inventory.dataplane("after-pg", "pg", 13_000)));
        Await.until("both ready", CONVERGE, () -> Http.get(fed.global().baseUrl() + "/q/health/ready").status() == 200
                && Http.get(fed.zone(ZONE).baseUrl() + "/q/health/ready").status() == 200);
        running.set(false);
        load.join();
        Duration converged = awaitZoneConverged("after the outage");
        Await.until("the zone's Dataplane written after the outage at the global", CONVERGE,
                () -> Http.get(fed.globalUrl() + "/meshes/default/dataplanes/" + ZONE + ".after-pg").status() == 200);
        Duration recovered = Duration.ofNanos(System.nanoTime() - healed);
        List<String> lost = atGlobal.lost(Inventory.specs(fed.globalUrl(), "meshtimeouts"));

        var f = ChaosReport.figures();
        f.put("Postgres cut (reset + refused)", outage.toSeconds() + " s");
        f.put("global writes acknowledged", atGlobal.acks().get());
        f.put("global writes failed during the cut", atGlobal.failures().get());
        f.put("zone writes acknowledged/failed", zoneAcks.get() + "/" + zoneFailures.get());
        f.put("HTTP 500 answers", serverErrors.get());
        f.put("global writes again after heal", ChaosReport.millis(globalBack));
        f.put("zone writes again after heal", ChaosReport.millis(zoneBack));
        f.put("zone converged (KDS) after heal", ChaosReport.millis(converged));
        f.put("heal to fully recovered", ChaosReport.millis(recovered));
        f.put("lost writes", lost.size());
        f.put("restarts", (fed.global().pid() == globalPid ? 0 : 1) + (fed.zone(ZONE).pid() == zonePid ? 0 : 1));
        ChaosReport.print("d. Postgres cut under load", f);

        assertThat(fed.global().pid()).as("the global was not restarted").isEqualTo(globalPid);
        assertThat(lost).as("acknowledged writes lost").isEmpty();
        assertThat(atGlobal.failures().get()).as("the cut was felt").isPositive();
        assertThat(serverErrors.get()).as("answers 500 while the database was away (503 expected)").isZero();
    }

    /** As {@link #tryPut}, counting a 500 answer (which {@link Http} turns into an AssertionError) instead of failing at once. */
    static boolean put500Aware(String url, String yaml, AtomicInteger serverErrors) {
        try {
            return Http.putYaml(url, yaml, null).status() / 100 == 2;
        } catch (AssertionError e) {
            serverErrors.incrementAndGet();
            return false;
        } catch (Exception e) {
            return false;
        }
    }
}
