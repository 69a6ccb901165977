package dev.ursa.it.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.it.CrossZone;
import dev.ursa.it.EventsFeed;
import dev.ursa.it.Http;
import dev.ursa.it.TestDatabase;
import dev.ursa.it.XdsChannels;
import dev.ursa.it.XdsTokens;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import dev.ursa.testsupport.Traffic;
import dev.ursa.testsupport.XdsBootstrap;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos on the KDS links of a global (Postgres store) and two zone CPs, each zone behind a {@link FaultProxy}: a partition
 * and its heal, a degraded link (latency, jitter, stalls, resets), then the global gone while grpc-xds clients of zone-1,
 * old and new, call a service of zone-2 through its ingress. Each scenario prints its figures
 * ({@link ChaosReport}) and fails on any loss. Bounded by default; {@code -Dursa.chaos.soak=true} runs the long form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KdsChaosIT {
    static final List<String> ZONES = List.of("zone-1", "zone-2");
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final Duration NEW_CROSS_ZONE_CLIENT = Duration.ofSeconds(20);
    /** Between one cross-zone call and the next of a client: several clients for minutes, on a shared 2-core machine. */
    static final Duration CALL_PAUSE = Duration.ofMillis(50);
    /** A service only zone-2 runs (scenario e), and what its one backend answers. */
    static final String REMOTE = "remote";
    static final String REMOTE_ANSWER = "zone-2/remote-1";
    static final ObjectMapper JSON = new ObjectMapper();

    TestDatabase db;
    ChaosFederation fed;
    final Map<String, String> tokens = new LinkedHashMap<>();
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.create(); // the global restarts in scenario e: its state must survive
        fed = ChaosFederation.start("kds-chaos", ZONES, db.storeProps(), zone -> Map.of());
        for (String zone : ZONES) {
            tokens.put(zone, XdsTokens.dataplane(fed.zoneUrl(zone), "default"));
            put(fed.zoneUrl(zone) + "/meshes/default/dataplanes/web", Inventory.dataplane("web", "web", 8080));
        }
        for (int i = 0; i < 10; i++) put(fed.globalUrl() + "/meshes/default/meshtimeouts/base-" + i, Inventory.meshTimeout("base-" + i, "5s", null));
        awaitConverged("setup");
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) c.close();
        if (fed != null) fed.close();
        if (db != null) db.close();
    }

    static void put(String url, String yaml) throws Exception {
        Http.Reply r = Http.putYaml(url, yaml, null);
        assertThat(r.status()).as("PUT %s: %s", url, r.body()).isBetween(200, 201);
    }

    /** Every zone holds exactly the global's MeshTimeouts, and the global every zone's Dataplanes; the time that took. */
    Duration awaitConverged(String what) {
        return Await.until(what + ": every zone converged both ways", CONVERGE, () -> {
            Map<String, String> global = Inventory.specs(fed.globalUrl(), "meshtimeouts");
            Map<String, String> globalDps = Inventory.specs(fed.globalUrl(), "dataplanes");
            for (String zone : ZONES) {
                if (!Inventory.specs(fed.zoneUrl(zone), "meshtimeouts").equals(global)) return false;
                for (var dp : Inventory.specs(fed.zoneUrl(zone), "dataplanes").entrySet()) {
                    if (!dp.getValue().equals(globalDps.get(zone + "." + dp.getKey()))) return false;
                }
            }
            return true;
        });
    }

    /** A new xDS client on {@code zone} gets its clusters; false when it does not within 10 s. */
    boolean newClientServed(String zone, String name) {
        try (AdsWatcher w = new AdsWatcher(fed.xdsPort(zone), tokens.get(zone), name)) {
            Await.until(name + " served by " + zone, Duration.ofSeconds(10), () -> w.clusters() != null);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    /** Deletes in {@code feeds} of a name not in {@code deleted}: resources deleted that still exist. */
    static List<String> spuriousDeletes(Map<String, EventsFeed> feeds, Set<String> deleted) {
        List<String> spurious = new ArrayList<>();
        feeds.forEach((where, feed) -> feed.deletes().stream()
                .filter(e -> deleted.stream().noneMatch(n -> e.contains("\"name\":\"" + n + "\"")))
                .forEach(e -> spurious.add(where + ": " + e)));
        return spurious;
    }

    static Map<String, EventsFeed> feeds(ChaosFederation fed) {
        Map<String, EventsFeed> feeds = new LinkedHashMap<>();
        feeds.put("global", new EventsFeed(fed.globalUrl()));
        for (String z : ZONES) feeds.put(z, new EventsFeed(fed.zoneUrl(z)));
        return feeds;
    }

    @Test
    @Order(1)
    void aPartitionedZoneKeepsServingAndConvergesAfterTheHealWithoutSpuriousDeletes() throws Exception {
        Duration window = ChaosReport.duration(Duration.ofSeconds(20), Duration.ofSeconds(60));
        Map<String, EventsFeed> feeds = feeds(fed);
        Set<String> deleted = new HashSet<>();
        int zoneCalls = 0;
        int failedZoneCalls = 0;
        int newClients = 0;
        int unservedClients = 0;
        FaultProxy link = fed.kds("zone-1");
        long acceptedBefore = link.accepted();
        link.partition();
        long end = System.nanoTime() + window.toNanos();
        int i = 0;
        while (System.nanoTime() < end) {
            i++;
            put(fed.globalUrl() + "/meshes/default/meshtimeouts/part-" + i, Inventory.meshTimeout("part-" + i, i + "s", null));
            put(fed.globalUrl() + "/meshes/default/meshtimeouts/base-" + (i % 10), Inventory.meshTimeout("base-" + (i % 10), (100 + i) + "s", null));
            if (i % 4 == 0) {
                assertThat(Http.delete(fed.globalUrl() + "/meshes/default/meshtimeouts/part-" + (i - 2)).status()).isEqualTo(200);
                deleted.add("part-" + (i - 2));
            }
            // the cut-off zone keeps answering and writing locally
            zoneCalls++;
            if (Http.get(fed.zoneUrl("zone-1") + "/meshes/default/meshtimeouts/base-0").status() != 200) failedZoneCalls++;
            zoneCalls++;
            if (Http.putYaml(fed.zoneUrl("zone-1") + "/meshes/default/dataplanes/cut-" + i, Inventory.dataplane("cut-" + i, "cut", 9000 + i), null).status() / 100 != 2) {
                failedZoneCalls++;
            }
            if (i % 5 == 0) {
                newClients++;
                if (!newClientServed("zone-1", "partitioned-" + i)) unservedClients++;
            }
            ChaosReport.pace(Duration.ofMillis(500));
        }
        boolean cutOff = Http.get(fed.zoneUrl("zone-1") + "/meshes/default/meshtimeouts/part-1").status() == 404
                && Http.get(fed.globalUrl() + "/meshes/default/dataplanes/zone-1.cut-1").status() == 404;
        long dials = link.accepted() - acceptedBefore;
        link.heal();
        Duration redial = Await.until("zone-1 connected again", CONVERGE, () -> link.openConnections() > 0);
        Duration converged = awaitConverged("partition healed");
        List<String> spurious = spuriousDeletes(feeds, deleted);
        feeds.values().forEach(EventsFeed::close);

        var f = ChaosReport.figures();
        f.put("partition", window.toSeconds() + " s");
        f.put("writes at global during partition", i * 2 + deleted.size());
        f.put("zone writes during partition", i);
        f.put("zone dials during partition", dials);
        f.put("reconnected after heal", ChaosReport.millis(redial));
        f.put("convergence after heal", ChaosReport.millis(converged));
        f.put("failed zone calls", failedZoneCalls + "/" + zoneCalls);
        f.put("new xDS clients unserved", unservedClients + "/" + newClients);
        f.put("spurious deletes", spurious.size());
        ChaosReport.print("a. zone partitioned from the global", f);

        assertThat(cutOff).as("the partition really cut zone-1 off (nothing crossed it)").isTrue();
        // ursa.zone.kds.backoff-max is 1 s: the zone dials about once a second, not at gRPC's own growing backoff
        assertThat(dials).as("connections zone-1 attempted during the partition").isGreaterThanOrEqualTo(window.toSeconds() / 2);
        assertThat(failedZoneCalls).as("calls to the partitioned zone that failed").isZero();
        assertThat(unservedClients).as("new xDS clients the partitioned zone did not serve").isZero();
        assertThat(spurious).as("deletes of resources that still exist").isEmpty();
    }

    @Test
    @Order(2)
    void aDegradedKdsLinkStillDeliversEveryChangeWithoutNackLoopsOrDuplicates() throws Exception {
        Duration window = ChaosReport.duration(Duration.ofSeconds(45), Duration.ofSeconds(120));
        Map<String, EventsFeed> feeds = feeds(fed);
        double nacksBefore = ChaosReport.counter(fed.globalUrl(), "ursa_kds_nacks_total");
        for (String zone : ZONES) fed.kds(zone).latency(Duration.ofMillis(200), Duration.ofMillis(100));
        AtomicInteger stalls = new AtomicInteger();
        AtomicInteger resets = new AtomicInteger();
        long end = System.nanoTime() + window.toNanos();
        Thread chaos = Thread.ofVirtual().start(() -> {
            try {
                while (System.nanoTime() < end) {
                    ChaosReport.pace(Duration.ofSeconds(3));
                    FaultProxy p = fed.kds(ZONES.get(ThreadLocalRandom.current().nextInt(ZONES.size())));
                    p.stall();
                    stalls.incrementAndGet();
                    ChaosReport.pace(Duration.ofSeconds(5));
                    p.resume();
                    if (ThreadLocalRandom.current().nextBoolean()) {
                        fed.kds(ZONES.get(ThreadLocalRandom.current().nextInt(ZONES.size()))).resetAll();
                        resets.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ChangeLag lag = ChangeLag.start(ZONES, fed::zoneUrl, end, CONVERGE);
        int writes = 0;
        int zoneWrites = 0;
        while (System.nanoTime() < end) {
            writes++;
            String name = "deg-" + (writes % 40);
            String idle = writes + "s";
            long t0 = System.nanoTime();
            put(fed.globalUrl() + "/meshes/default/meshtimeouts/" + name, Inventory.meshTimeout(name, idle, null));
            lag.written(name, idle, t0);
            if (writes % 4 == 0) {
                String zone = ZONES.get(writes % ZONES.size());
                put(fed.zoneUrl(zone) + "/meshes/default/dataplanes/deg-" + (writes % 10), Inventory.dataplane("deg-" + (writes % 10), "deg", 10_000 + writes));
                zoneWrites++;
            }
            ChaosReport.pace(Duration.ofMillis(250));
        }
        chaos.join();
        for (String zone : ZONES) fed.kds(zone).heal();
        Duration converged = awaitConverged("degraded link healed");
        lag.join(CONVERGE.plusSeconds(10));
        double nacks = ChaosReport.counter(fed.globalUrl(), "ursa_kds_nacks_total") - nacksBefore;
        List<String> spurious = spuriousDeletes(feeds, Set.of());
        feeds.values().forEach(EventsFeed::close);

        var f = ChaosReport.figures();
        f.put("window", window.toSeconds() + " s");
        f.put("latency", "200 ms + 0-100 ms jitter");
        f.put("5 s stalls", stalls.get());
        f.put("resets", resets.get());
        f.put("global writes", writes);
        f.put("zone writes", zoneWrites);
        f.put("max convergence of a change", ChaosReport.millis(lag.max()));
        f.put("convergence after heal", ChaosReport.millis(converged));
        f.put("NACKs", (long) nacks);
        f.put("spurious deletes", spurious.size());
        ChaosReport.print("b. degraded KDS link", f);

        assertThat(lag.complete()).as("zones that saw every change (or a newer one of the same name)").containsExactlyInAnyOrderElementsOf(ZONES);
        assertThat(nacks).as("KDS NACKs").isZero();
        assertThat(spurious).as("deletes of resources that still exist").isEmpty();
        // duplicates: Inventory.specs fails on a name listed twice; the global holds each zone's Dataplanes once
        for (String zone : ZONES) {
            assertThat(Inventory.specs(fed.globalUrl(), "dataplanes").keySet().stream().filter(n -> n.startsWith(zone + ".")).count())
                    .isEqualTo(Inventory.specs(fed.zoneUrl(zone), "dataplanes").size());
        }
    }

    @Test
    @Order(3)
    void withTheGlobalGoneZonesServeNewClientsLocalWritesAndCrossZoneCalls() throws Exception {
        Duration window = ChaosReport.duration(Duration.ofSeconds(120), Duration.ofMinutes(10));
        // A service only zone-2 runs, which zone-1's grpc-xds clients reach through zone-2's ingress; one calls it from before the kill.
        fed.startIngress("zone-2");
        EchoBackend remote = track(new EchoBackend(REMOTE_ANSWER));
        put(fed.zoneUrl("zone-2") + "/meshes/default/dataplanes/remote-1", Inventory.dataplane("remote-1", REMOTE, remote.port(), "grpc"));
        Await.until("zone-1 sees zone-2's ingress offering " + REMOTE, CONVERGE,
                () -> CrossZone.offeredInstances(fed.zoneUrl("zone-1"), "zone-2", REMOTE) == 1);
        long relayedBefore = CrossZone.ingressBytesIn(fed.ingressUrl("zone-2"), REMOTE);
        ManagedChannel callerChannel = crossZoneClient("caller");
        Await.until("a zone-1 client calls " + REMOTE + " in zone-2", CONVERGE, () -> REMOTE_ANSWER.equals(EchoBackend.call(callerChannel, "hi", 2000)));
        List<Traffic> crossZone = new ArrayList<>(List.of(track(new Traffic(callerChannel, CALL_PAUSE))));
        crossZone.getFirst().awaitCalls(10, CONVERGE);

        Map<String, String> policiesBefore = Inventory.specs(fed.globalUrl(), "meshtimeouts");
        Map<String, EventsFeed> feeds = new LinkedHashMap<>();
        for (String z : ZONES) feeds.put(z, new EventsFeed(fed.zoneUrl(z)));
        fed.killGlobal();
        Await.until("zone-1 has lost the global", CONVERGE, () -> !kdsConnected("zone-1"));
        int clients = 0;
        int unserved = 0;
        int calls = 0;
        int failedCalls = 0;
        List<Duration> firstCrossZoneCalls = new ArrayList<>();
        Map<String, List<String>> newClientEndpoints = null;
        long newClientEvery = window.toNanos() / 4;
        long nextNewClient = System.nanoTime();
        long end = nextNewClient + window.toNanos();
        int i = 0;
        while (System.nanoTime() < end) {
            i++;
            if (System.nanoTime() - nextNewClient >= 0) {
                // a new grpc-xds client in zone-1 (its own xDS client and node): config from zone-1 alone, then calls across zones
                String node = "newcomer-" + (firstCrossZoneCalls.size() + 1);
                ManagedChannel ch = crossZoneClient(node);
                firstCrossZoneCalls.add(Await.until(node + " calls " + REMOTE + " in zone-2 with the global gone", NEW_CROSS_ZONE_CLIENT,
                        () -> REMOTE_ANSWER.equals(EchoBackend.call(ch, "hi", 2000))));
                crossZone.add(track(new Traffic(ch, CALL_PAUSE)));
                if (newClientEndpoints == null) newClientEndpoints = CrossZone.endpointsAt(fed.zoneUrl("zone-1"), node, REMOTE);
                nextNewClient += newClientEvery;
            }
            for (String zone : ZONES) {
                clients++;
                if (!newClientServed(zone, "orphan-" + i)) unserved++;
                calls++;
                if (!Inventory.specs(fed.zoneUrl(zone), "meshtimeouts").equals(policiesBefore)) failedCalls++;
                calls++;
                if (Http.putYaml(fed.zoneUrl(zone) + "/meshes/default/dataplanes/orphan-" + i, Inventory.dataplane("orphan-" + i, "orphan", 11_000 + i), null)
                        .status() / 100 != 2) failedCalls++;
            }
            ChaosReport.pace(Duration.ofSeconds(2));
        }
        long t0 = System.nanoTime();
        fed.startGlobal();
        awaitConverged("global back");
        Duration converged = Duration.ofNanos(System.nanoTime() - t0);
        // the calls go on through the global's return and the resync
        crossZone.getFirst().awaitCalls(20, CONVERGE);
        for (Traffic t : crossZone) t.close();
        long crossZoneCalls = crossZone.stream().mapToLong(t -> t.since(Long.MIN_VALUE).size()).sum();
        long failedCrossZone = crossZone.stream().mapToLong(t -> t.failuresSince(Long.MIN_VALUE)).sum();
        List<String> crossZoneErrors = crossZone.stream().flatMap(t -> t.errorsSince(Long.MIN_VALUE).stream()).limit(5).toList();
        long relayed = CrossZone.ingressBytesIn(fed.ingressUrl("zone-2"), REMOTE) - relayedBefore;
        List<String> spurious = spuriousDeletes(feeds, Set.of());
        feeds.values().forEach(EventsFeed::close);

        var f = ChaosReport.figures();
        f.put("global gone", window.toSeconds() + " s");
        f.put("new xDS clients unserved", unserved + "/" + clients);
        f.put("failed zone calls (reads of the last policies, local writes)", failedCalls + "/" + calls);
        f.put("new grpc-xds clients calling across zones", firstCrossZoneCalls.size());
        f.put("first cross-zone call of a new client after (each)", firstCrossZoneCalls.stream().map(ChaosReport::millis).toList());
        f.put("cross-zone calls through zone-2's ingress (1 client from before + the new ones, to after the global's return)", crossZoneCalls);
        f.put("failed cross-zone calls", failedCrossZone);
        f.put("global restart to converged both ways", ChaosReport.millis(converged));
        f.put("spurious deletes", spurious.size());
        ChaosReport.print("e. global gone", f);

        assertThat(unserved).as("new xDS clients not served while the global is gone").isZero();
        assertThat(failedCalls).as("zone calls that failed or saw other policies").isZero();
        assertThat(firstCrossZoneCalls).as("new grpc-xds clients that called across zones").hasSize(4);
        assertThat(failedCrossZone).as("failed cross-zone calls (first errors: %s)", crossZoneErrors).isZero();
        // through zone-2's ingress: zone-1 gave the new client that ingress and nothing else, and it relayed every call
        assertThat(newClientEndpoints).as("localities of %s in a new zone-1 client's EDS", REMOTE).containsOnlyKeys("zone-2");
        assertThat(newClientEndpoints.get("zone-2")).containsExactly("127.0.0.1:" + fed.ingressPort("zone-2"));
        assertThat(relayed).as("request bytes relayed by zone-2's ingress").isGreaterThanOrEqualTo(crossZoneCalls * CrossZone.leastRequestBytes(2));
        assertThat(spurious).as("deletes of resources that still exist").isEmpty();
    }

    /** A new grpc-xds client in zone-1 ({@code default.<node>}, its own bootstrap and xDS client) on a channel to {@link #REMOTE}. */
    ManagedChannel crossZoneClient(String node) {
        ManagedChannel ch = XdsChannels.of("xds-" + node, XdsBootstrap.withToken("127.0.0.1:" + fed.xdsPort("zone-1"), "default." + node,
                tokens.get("zone-1")), REMOTE);
        track(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return ch;
    }

    /** Whether {@code zone}'s readiness says it has a connected KDS stream to the global. */
    boolean kdsConnected(String zone) throws Exception {
        for (JsonNode check : JSON.readTree(fed.zone(zone).readiness()).path("checks")) {
            if (check.path("name").asText().equals("kds")) return check.path("data").path("connected").asBoolean();
        }
        throw new IllegalStateException("no kds readiness check at " + zone);
    }

    <T extends AutoCloseable> T track(T c) {
        closing.add(c);
        return c;
    }
}
