package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.mesh.testing.SampleResources;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A global on Postgres and three zone CPs (memory stores with data directories), all real processes talking real
 * KDS. zone-1 dials through a TCP proxy so the test can cut its connection. The tests build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiZoneIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final List<String> ZONES = List.of("zone-1", "zone-2", "zone-3");

    TestDatabase db;
    UrsaProcess global;
    int globalHttp;
    int kdsPort;
    TcpProxy proxy;
    Path dataDirs;
    final Map<String, Path> tokenFiles = new HashMap<>();
    Path caFile;
    final Map<String, UrsaProcess> zones = new LinkedHashMap<>();
    final Map<String, Integer> zoneHttp = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.create();
        globalHttp = UrsaProcess.freePort();
        kdsPort = UrsaProcess.freePort();
        startGlobal();
        proxy = new TcpProxy(kdsPort);
        dataDirs = Files.createTempDirectory("ursa-zones");
        caFile = ZoneKds.caFile(global.baseUrl());
        for (String zone : ZONES) {
            tokenFiles.put(zone, ZoneKds.tokenFile(ZoneKds.mint(global.baseUrl(), zone, "8760h")));
            zoneHttp.put(zone, UrsaProcess.freePort());
        }
        Http.putYaml(global.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n", null);
        for (String zone : ZONES) startZone(zone);
    }

    void startGlobal() throws IOException {
        Map<String, String> props = new HashMap<>(db.storeProps());
        props.put("ursa.kds.port", Integer.toString(kdsPort));
        global = UrsaProcess.start("global", "global-cp", globalHttp, props);
    }

    void startZone(String zone) throws IOException {
        int port = zone.equals("zone-1") ? proxy.port() : kdsPort;
        Map<String, String> props = new HashMap<>(ZoneKds.props(zone, port, caFile, tokenFiles.get(zone)));
        props.put("ursa.zone.data-dir", dataDirs.resolve(zone).toString());
        props.put("ursa.zone.kds.backoff-max", "1s");
        zones.put(zone, UrsaProcess.start(zone, "zone-cp", zoneHttp.get(zone), props));
    }

    @AfterAll
    void stop() throws Exception {
        for (UrsaProcess z : zones.values()) z.close();
        if (global != null) global.close();
        if (proxy != null) proxy.close();
        if (db != null) db.close();
    }

    static String timeout(String name, String idle) {
        return SampleResources.meshTimeout("default", name, idle);
    }

    String zoneUrl(String zone) {
        return "http://127.0.0.1:" + zoneHttp.get(zone);
    }

    JsonNode json(Http.Reply r) throws IOException {
        return JSON.readTree(r.body());
    }

    boolean hasTimeout(String zone, String name, String idle) throws Exception {
        Http.Reply r = Http.get(zoneUrl(zone) + "/meshes/default/meshtimeouts/" + name);
        if (idle == null) return r.status() == 404;
        return r.status() == 200 && json(r).path("spec").path("to").get(0).path("default").path("idleTimeout").asText().equals(idle);
    }

    @Test
    @Order(1)
    void policyChangesReachThreeZonesAndPropagationIsMeasured() throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String name = "p" + (i / 3);
            String idle = (i % 3 == 2) ? null : (i + 1) + "s";
            long t0 = System.nanoTime();
            Http.Reply w = idle == null ? Http.delete(global.baseUrl() + "/meshes/default/meshtimeouts/" + name)
                    : Http.putYaml(global.baseUrl() + "/meshes/default/meshtimeouts/" + name, timeout(name, idle), null);
            assertThat(w.status()).isBetween(200, 201);
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<String> pending = new ArrayList<>(ZONES);
            while (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) throw new AssertionError("change " + i + " not seen by " + pending);
                pending.removeIf(z -> {
                    try {
                        return hasTimeout(z, name, idle);
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            micros.add((System.nanoTime() - t0) / 1000);
        }
        Collections.sort(micros);
        System.out.printf("KDS propagation global -> 3 zones (REST write to visible on every zone's REST), 200 changes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                micros.get(99) / 1000.0, micros.get(197) / 1000.0, micros.get(199) / 1000.0);
        assertThat(micros.get(197)).as("p99 micros").isLessThan(2_000_000);
    }

    @Test
    @Order(2)
    void dataplaneOfZone1AppearsAtGlobalAttributedToZone1() throws Exception {
        for (String zone : List.of("zone-1", "zone-2")) {
            Http.Reply r = Http.putYaml(zoneUrl(zone) + "/meshes/default/dataplanes/web", """
                    type: Dataplane
                    mesh: default
                    name: web
                    networking:
                      address: 10.0.0.%d
                      inbound:
                      - port: 8080
                        tags:
                          kuma.io/service: web
                    """.formatted(zone.equals("zone-1") ? 1 : 2), null);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        Await.until("zone-1 dataplane at global", WAIT, () -> Http.get(global.baseUrl() + "/meshes/default/dataplanes/zone-1.web").status() == 200);
        JsonNode dp = json(Http.get(global.baseUrl() + "/meshes/default/dataplanes/zone-1.web"));
        assertThat(dp.path("labels").path("kuma.io/zone").asText()).isEqualTo("zone-1");
        assertThat(dp.path("labels").path("kuma.io/origin").asText()).isEqualTo("zone");
        assertThat(dp.path("networking").path("address").asText()).isEqualTo("10.0.0.1");
        Await.until("zone-2 dataplane at global", WAIT, () -> Http.get(global.baseUrl() + "/meshes/default/dataplanes/zone-2.web").status() == 200);
    }

    @Test
    @Order(3)
    void partitionOfZone1ConvergesWithoutSpuriousDeletes() throws Exception {
        Http.putYaml(global.baseUrl() + "/meshes/default/meshtimeouts/stay", timeout("stay", "5s"), null);
        Http.putYaml(global.baseUrl() + "/meshes/default/meshtimeouts/doomed", timeout("doomed", "5s"), null);
        for (String z : ZONES) Await.until("stay+doomed at " + z, WAIT, () -> hasTimeout(z, "stay", "5s") && hasTimeout(z, "doomed", "5s"));
        String zone2DpBefore = Http.get(global.baseUrl() + "/meshes/default/dataplanes/zone-2.web").etag();
        Map<String, EventsFeed> feeds = new LinkedHashMap<>();
        feeds.put("global", new EventsFeed(global.baseUrl()));
        for (String z : ZONES) feeds.put(z, new EventsFeed(zoneUrl(z)));

        proxy.partition();
        Http.putYaml(global.baseUrl() + "/meshes/default/meshtimeouts/stay", timeout("stay", "6s"), null);
        Http.putYaml(global.baseUrl() + "/meshes/default/meshtimeouts/added", timeout("added", "7s"), null);
        Http.delete(global.baseUrl() + "/meshes/default/meshtimeouts/doomed");
        Await.until("zone-2 converged", WAIT, () -> hasTimeout("zone-2", "stay", "6s") && hasTimeout("zone-2", "added", "7s") && hasTimeout("zone-2", "doomed", null));
        assertThat(hasTimeout("zone-1", "stay", "5s")).as("zone-1 is cut off and keeps its last state").isTrue();
        assertThat(hasTimeout("zone-1", "doomed", "5s")).isTrue();

        long healedAt = System.nanoTime();
        proxy.heal();
        Await.until("zone-1 converged", WAIT, () -> hasTimeout("zone-1", "stay", "6s") && hasTimeout("zone-1", "added", "7s") && hasTimeout("zone-1", "doomed", null));
        System.out.printf("zone-1 converged %.0f ms after the partition healed (backoff max 1 s)%n", (System.nanoTime() - healedAt) / 1e6);

        // Only the one real deletion shows in any feed, and zone-1's dataplane at the global survived the cut.
        Await.until("feeds caught up", WAIT, () -> feeds.get("zone-1").deletes().size() >= 1);
        for (var e : feeds.entrySet()) {
            List<String> deletes = e.getValue().deletes();
            assertThat(deletes).as("deletes seen by " + e.getKey()).hasSize(1);
            assertThat(deletes.getFirst()).contains("\"name\":\"doomed\"");
            e.getValue().close();
        }
        assertThat(Http.get(global.baseUrl() + "/meshes/default/dataplanes/zone-1.web").status()).isEqualTo(200);
        assertThat(Http.get(global.baseUrl() + "/meshes/default/dataplanes/zone-2.web").etag()).isEqualTo(zone2DpBefore);
    }

    @Test
    @Order(4)
    void zoneInsightsShowACleanDisconnectAtOnceAndADeadPeerWithin30s() throws Exception {
        for (String z : ZONES) Await.until(z + " online", WAIT, () -> online(z));
        // zone-2 stops cleanly: offline at once
        long t0 = System.nanoTime();
        zones.get("zone-2").close();
        Await.until("zone-2 offline", WAIT, () -> !online("zone-2"));
        System.out.printf("clean disconnect shown offline after %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        // zone-1's bytes are dropped without closing anything (a dead peer): keepalive notices
        t0 = System.nanoTime();
        proxy.blackhole();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (online("zone-1")) {
            assertThat(System.nanoTime()).as("dead peer noticed within 30 s").isLessThan(deadline);
            Thread.sleep(200);
        }
        System.out.printf("dead peer shown offline after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        // zone-2's resources at the global are untouched by zone-2 and zone-1 going away
        assertThat(Http.get(global.baseUrl() + "/meshes/default/dataplanes/zone-2.web").status()).isEqualTo(200);
        assertThat(Http.get(global.baseUrl() + "/zones").body()).contains("zone-1", "zone-2", "zone-3");
        proxy.heal();
        startZone("zone-2");
        Await.until("zone-1 back", WAIT, () -> online("zone-1"));
    }

    boolean online(String zone) throws Exception {
        Http.Reply r = Http.get(global.baseUrl() + "/zone-insights/" + zone);
        if (r.status() != 200) return false;
        JsonNode subs = json(r).path("subscriptions");
        return subs.isArray() && !subs.isEmpty() && !subs.get(subs.size() - 1).has("disconnectTime");
    }

    double resourcesSentTo(String zone) throws Exception {
        double sum = 0;
        for (String line : Http.getText(global.baseUrl() + "/q/metrics").body().split("\n")) {
            if (line.startsWith("ursa_kds_resources_sent_total{") && line.contains("zone=\"" + zone + "\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Test
    @Order(5)
    void globalRestartedOnPostgresZonesResumeAndAnUnchangedZoneReceivesNothing() throws Exception {
        for (String z : ZONES) Await.until(z + " online", WAIT, () -> online(z));
        global.kill();
        startGlobal();
        for (String z : ZONES) Await.until(z + " back online", WAIT, () -> online(z) && json(Http.get(global.baseUrl() + "/zone-insights/" + z)).toString().contains("responsesAcknowledged"));
        for (String z : ZONES) {
            double sent = resourcesSentTo(z);
            System.out.printf("after the global restart, resources sent to unchanged %s: %.0f%n", z, sent);
            assertThat(sent).as("resources sent to unchanged " + z).isZero();
        }
        assertThat(hasTimeout("zone-3", "stay", "6s")).isTrue();
    }

    @Test
    @Order(6)
    void globalKilledZonesKeepServingAndARestartedZoneServesItsLastSyncedPolicies() throws Exception {
        global.kill();
        for (String z : ZONES) assertThat(hasTimeout(z, "stay", "6s")).as(z + " serves with the global down").isTrue();
        zones.get("zone-3").close();
        startZone("zone-3"); // ready = restored from its data directory, the global still down
        assertThat(hasTimeout("zone-3", "stay", "6s")).isTrue();
        assertThat(hasTimeout("zone-3", "added", "7s")).isTrue();
        assertThat(Http.get(zoneUrl("zone-3") + "/meshes/default").status()).isEqualTo(200);
    }
}
