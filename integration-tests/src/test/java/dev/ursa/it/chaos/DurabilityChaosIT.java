package dev.ursa.it.chaos;

import dev.ursa.it.Http;
import dev.ursa.it.TestDatabase;
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

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durability under chaos: a global and a zone CP, both on Postgres reached through a {@link FaultProxy}, the zone's KDS
 * through another. Scenario c kills the global (kill -9) again and again under concurrent writers and xDS watchers;
 * scenario d cuts Postgres away from both control planes (every connection reset, new ones refused) under load. Each
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

    @Test
    @Order(1)
    void killingTheGlobalOverAndOverLosesNoAcknowledgedWriteAndEveryClientEndsWithTheFinalConfig() throws Exception {
        Duration window = ChaosReport.duration(Duration.ofSeconds(60), Duration.ofMinutes(5));
        Duration killEvery = Duration.ofSeconds(20);
        int clients = ChaosReport.count(30, 200);
        List<AdsWatcher> watchers = new ArrayList<>();
        for (int i = 0; i < clients; i++) watchers.add(new AdsWatcher(fed.xdsPort(ZONE), token, "watch-" + i));
        long end = System.nanoTime() + window.toNanos();
        List<Writer> writers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Writer w = new Writer();
            writers.add(w);
            int id = k;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int n = 1; System.nanoTime() < end; n++) {
                        String name = "w" + id + "-" + (n % 25);
                        String idle = n + "s";
                        w.attempted().put(name, idle);
                        while (System.nanoTime() < end && !tryPut(fed.globalUrl() + "/meshes/default/meshtimeouts/" + name, Inventory.meshTimeout(name, idle, null))) {
                            w.failures().incrementAndGet();
                            ChaosReport.pace(Duration.ofMillis(100)); // retry pace
                        }
                        if (System.nanoTime() >= end) return;
                        w.acked().put(name, idle);
                        w.acks().incrementAndGet();
                        ChaosReport.pace(Duration.ofMillis(200)); // each writer's write rate
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        AtomicInteger kills = new AtomicInteger();
        AtomicLong maxRestart = new AtomicLong();
        while (System.nanoTime() + killEvery.toNanos() < end) {
            ChaosReport.pace(killEvery);
            fed.killGlobal();
            kills.incrementAndGet();
            long t0 = System.nanoTime();
            fed.startGlobal(); // at once, on the same ports and database
            maxRestart.accumulateAndGet(System.nanoTime() - t0, Math::max);
        }
        for (Thread t : threads) t.join();
        // the final config: one last change every client must end with
        String marker = (kills.get() + 7) + "s";
        Await.until("the final write is acknowledged", CONVERGE, () -> tryPut(fed.globalUrl() + "/meshes/default/meshtimeouts/final",
                Inventory.meshTimeout("final", null, marker)));
        Map<String, String> global = Inventory.specs(fed.globalUrl(), "meshtimeouts");
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
        watchers.forEach(AdsWatcher::close);

        var f = ChaosReport.figures();
        f.put("window", window.toSeconds() + " s");
        f.put("kill -9 of the global", kills.get());
        f.put("max restart (kill to ready)", ChaosReport.millis(Duration.ofNanos(maxRestart.get())));
        f.put("acknowledged writes", writers.stream().mapToInt(w -> w.acks().get()).sum());
        f.put("failed attempts (retried)", writers.stream().mapToInt(w -> w.failures().get()).sum());
        f.put("lost writes", lost.size());
        f.put("zone converged after the last kill", ChaosReport.millis(zoneConverged));
        f.put("xDS clients", clients);
        f.put("clients without the final config", behind.size());
        f.put("clients converged in", ChaosReport.millis(clientsConverged));
        f.put("failed xDS streams", failedStreams);
        ChaosReport.print("c. global killed every " + killEvery.toSeconds() + " s", f);

        assertThat(kills.get()).as("kills").isPositive();
        assertThat(lost).as("acknowledged writes lost").isEmpty();
        assertThat(behind).as("clients without the final config").isEmpty();
        assertThat(failedStreams).as("xDS streams that failed").isZero();
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
