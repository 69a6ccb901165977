package dev.ursa.it.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.it.CrossZone;
import dev.ursa.it.Http;
import dev.ursa.it.TestDatabase;
import dev.ursa.it.UrsaProcess;
import dev.ursa.it.XdsTokens;
import dev.ursa.it.ZoneKds;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import dev.ursa.testsupport.Traffic;
import dev.ursa.testsupport.XdsBootstrap;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario g: two zone CP replicas of one zone on one Postgres database, a global, a real proxyless grpc-java client
 * reaching the zone's xDS port through a load balancer ({@link FaultProxy}) and calling a backend (MeshRetry on).
 * kill -9 of the zone CP leader: the other replica takes over the KDS streams (measured from the kill, target < 10 s),
 * the client's xDS stream moves to it with the load balancer, the client's calls never fail, and both directions of
 * KDS and the client's config keep working through the survivor.
 */
class ZoneLeaderChaosIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ZONE = "zone-ha";

    /** The zone replica's KDS state from its readiness data: holds the streams and has synced on them. */
    private static boolean holdsSyncedStreams(UrsaProcess zone) {
        try {
            JsonNode checks = JSON.readTree(Http.get(zone.baseUrl() + "/q/health/ready").body()).path("checks");
            for (JsonNode c : checks) {
                if (c.path("name").asText().equals("kds")) {
                    return c.path("data").path("holdsStreams").asBoolean() && c.path("data").path("connected").asBoolean();
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    @Test
    void killingTheZoneLeaderMovesKdsToTheOtherReplicaWithinTenSecondsAndNoCallFails() throws Exception {
        int kds = UrsaProcess.freePort();
        UrsaProcess global = UrsaProcess.start("zha-global", "global-cp", Map.of("ursa.kds.port", Integer.toString(kds)));
        UrsaProcess[] replicas = new UrsaProcess[2];
        int[] xdsPorts = {UrsaProcess.freePort(), UrsaProcess.freePort()};
        try (TestDatabase db = TestDatabase.create(); EchoBackend backend = new EchoBackend("backend-1"); EchoBackend late = new EchoBackend("late-1")) {
            assertThat(Http.putYaml(global.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n", null).status()).isEqualTo(201);
            String retries = global.baseUrl() + "/meshes/default/meshretries/";
            assertThat(Http.putYaml(retries + "backend-retry", CrossZone.retryPolicy("backend"), null).status()).isEqualTo(201);
            for (int i = 0; i < 2; i++) {
                Map<String, String> props = new HashMap<>(ZoneKds.props(global.baseUrl(), ZONE, kds));
                props.putAll(db.storeProps());
                props.put("ursa.zone.kds.backoff-max", "1s");
                props.put("ursa.xds.allow-unregistered-clients", "true"); // the client node has no Dataplane
                props.put("quarkus.grpc.server.port", Integer.toString(xdsPorts[i]));
                replicas[i] = UrsaProcess.start("zha-zone-" + i, "zone-cp", props);
            }
            Await.until("exactly one zone replica leads", WAIT,
                    () -> ChaosReport.leads(replicas[0].baseUrl()) ^ ChaosReport.leads(replicas[1].baseUrl()));
            int leaderIndex = ChaosReport.leads(replicas[0].baseUrl()) ? 0 : 1;
            UrsaProcess leader = replicas[leaderIndex];
            UrsaProcess follower = replicas[1 - leaderIndex];
            Await.until("the leader holds the zone's KDS streams", WAIT, () -> holdsSyncedStreams(leader));
            assertThat(holdsSyncedStreams(follower)).as("a follower holds no KDS stream").isFalse();
            Await.until("the MeshRetry synced into the zone's database", WAIT,
                    () -> Http.get(follower.baseUrl() + "/meshes/default/meshretries/backend-retry").status() == 200);

            // The load balancer in front of the zone's xDS port sends the client to the leader first.
            try (FaultProxy lb = new FaultProxy(xdsPorts[leaderIndex])) {
                String backendDp = Inventory.dataplane("backend-1", "backend", backend.port(), "grpc");
                assertThat(Http.putYaml(follower.baseUrl() + "/meshes/default/dataplanes/backend-1", backendDp, null).status()).isEqualTo(201);
                // This class runs in its own JVM (failsafe reuseForks=false): grpc-xds reads this bootstrap once per JVM.
                XdsBootstrap.install(XdsBootstrap.withToken("127.0.0.1:" + lb.port(), "default.client",
                        XdsTokens.dataplane(follower.baseUrl(), "default")));
                ManagedChannel ch = Grpc.newChannelBuilder("xds:///backend", InsecureChannelCredentials.create()).build();
                try {
                    Await.until("the client calls the backend", WAIT, () -> EchoBackend.call(ch, "hi", 2000).startsWith("backend-1"));
                    long start = System.nanoTime();
                    Traffic traffic = new Traffic(ch, Duration.ofMillis(20));
                    traffic.awaitCalls(20, WAIT);

                    leader.kill(); // SIGKILL: its lease is not given up, its streams just stop
                    long killed = System.nanoTime();
                    lb.retarget(xdsPorts[1 - leaderIndex]); // the Service drops the dead endpoint
                    Duration toLead = Await.until("the other replica leads", WAIT, () -> ChaosReport.leads(follower.baseUrl()));
                    Duration toKds = Duration.ofNanos(System.nanoTime() - killed).plus(
                            Await.until("the survivor holds synced KDS streams", WAIT, () -> holdsSyncedStreams(follower)));

                    // Both KDS directions through the survivor: a policy from the global, a dataplane to it.
                    assertThat(Http.putYaml(retries + "late-retry", CrossZone.retryPolicy("late"), null).status()).isEqualTo(201);
                    Duration globalToZone = Await.until("a global write reaches the zone after the failover", WAIT,
                            () -> Http.get(follower.baseUrl() + "/meshes/default/meshretries/late-retry").status() == 200);
                    String lateDp = Inventory.dataplane("late-1", "late", late.port(), "grpc");
                    assertThat(Http.putYaml(follower.baseUrl() + "/meshes/default/dataplanes/late-1", lateDp, null).status()).isEqualTo(201);
                    Await.until("the zone's new dataplane reaches the global", WAIT,
                            () -> Http.get(global.baseUrl() + "/meshes/default/dataplanes/" + ZONE + ".late-1").status() == 200);
                    // The client's config now comes from the survivor: it learns the new service and calls it.
                    ManagedChannel lateCh = Grpc.newChannelBuilder("xds:///late", InsecureChannelCredentials.create()).build();
                    try {
                        Await.until("the client reaches a service registered after the failover", WAIT,
                                () -> EchoBackend.call(lateCh, "hi", 2000).startsWith("late-1"));
                    } finally {
                        lateCh.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                    }
                    traffic.awaitCalls(20, WAIT); // still flowing
                    traffic.close();
                    long calls = traffic.since(start).size();
                    long failed = traffic.failuresSince(start);

                    var f = ChaosReport.figures();
                    f.put("replicas", 2);
                    f.put("new leader after kill", ChaosReport.millis(toLead));
                    f.put("KDS held and synced by the survivor after kill", ChaosReport.millis(toKds));
                    f.put("global write reached the zone after", ChaosReport.millis(globalToZone));
                    f.put("client calls", calls);
                    f.put("failed calls", failed);
                    ChaosReport.print("g. kill -9 of the zone CP leader", f);
                    assertThat(failed).as("failed calls (first: %s)", traffic.errorsSince(start)).isZero();
                    assertThat(toKds).as("kill -9 of the zone leader to KDS held by the other replica").isLessThan(Duration.ofSeconds(10));
                    assertThat(Http.get(global.baseUrl() + "/meshes/default/dataplanes/" + ZONE + ".backend-1").status())
                            .as("the zone's dataplane, written before the failover, still at the global").isEqualTo(200);
                } finally {
                    ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            for (UrsaProcess r : replicas) if (r != null) r.close();
            global.close();
        }
    }
}
