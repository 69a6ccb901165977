package dev.ursa.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two global processes on one Postgres database: one leads (metric {@code ursa_leader}); kill -9 of the leader moves
 * the leadership and its singleton work to the other (measured: from the kill to leading, and to the dead replica's
 * zone shown offline by the new leader, which only the leader's work does); the zone, back on a new replica, lost
 * nothing and holds exactly one live stream.
 */
class GlobalHaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZONE = "zone-ha";

    private static boolean leads(UrsaProcess global) {
        try {
            for (String line : Http.getText(global.baseUrl() + "/q/metrics").body().split("\n")) {
                if (line.startsWith("ursa_leader ")) return Double.parseDouble(line.substring("ursa_leader ".length()).trim()) == 1.0;
            }
        } catch (Exception e) {
            return false; // dead or not up: not leading
        }
        return false;
    }

    private static JsonNode subscriptions(UrsaProcess global) throws Exception {
        Http.Reply r = Http.get(global.baseUrl() + "/zone-insights/" + ZONE);
        return r.status() == 200 ? JSON.readTree(r.body()).path("subscriptions") : JSON.createArrayNode();
    }

    private static String state(UrsaProcess global) throws Exception {
        Http.Reply r = Http.get(global.baseUrl() + "/zones/" + ZONE + "/_overview");
        return r.status() == 200 ? JSON.readTree(r.body()).path("state").asText() : "absent";
    }

    private static List<JsonNode> open(JsonNode subs) {
        List<JsonNode> open = new ArrayList<>();
        subs.forEach(s -> { if (!s.has("disconnectTime")) open.add(s); });
        return open;
    }

    private static UrsaProcess global(String name, TestDatabase db, int kdsPort) throws Exception {
        Map<String, String> props = new HashMap<>(db.storeProps());
        props.put("ursa.kds.port", Integer.toString(kdsPort));
        return UrsaProcess.start(name, "global-cp", props);
    }

    @Test
    void killingTheLeaderMovesLeadershipAndItsWorkToTheOtherReplicaAndTheZoneLosesNothing() throws Exception {
        int kdsA = UrsaProcess.freePort();
        int kdsB = UrsaProcess.freePort();
        try (TestDatabase db = TestDatabase.create()) {
            UrsaProcess a = global("global-ha-a", db, kdsA);
            UrsaProcess b = global("global-ha-b", db, kdsB);
            UrsaProcess zone = null;
            UrsaProcess restarted = null;
            try {
                Await.until("exactly one leader", Duration.ofSeconds(30), () -> leads(a) ^ leads(b));
                Await.holds("still exactly one leader", Duration.ofSeconds(3), () -> leads(a) ^ leads(b));
                UrsaProcess leader = leads(a) ? a : b;
                UrsaProcess follower = leader == a ? b : a;
                int leaderKds = leader == a ? kdsA : kdsB;

                // A zone on the leader, with a dataplane of its own (the shared database: every replica sees it).
                assertThat(Http.putYaml(follower.baseUrl() + "/meshes/default", "type: Mesh\nname: default\n", null).status()).isEqualTo(201);
                Path ca = ZoneKds.caFile(follower.baseUrl());
                Path token = ZoneKds.tokenFile(ZoneKds.mint(follower.baseUrl(), ZONE, "1h"));
                Map<String, String> zoneProps = new HashMap<>(ZoneKds.props(ZONE, leaderKds, ca, token));
                zoneProps.put("ursa.zone.kds.backoff-max", "1s");
                zone = UrsaProcess.start(ZONE, "zone-cp", zoneProps);
                String zoneUrl = zone.baseUrl();
                Await.until("mesh synced to the zone", Duration.ofSeconds(30), () -> Http.get(zoneUrl + "/meshes/default").status() == 200);
                String dp = "type: Dataplane\nmesh: default\nname: dp-1\nnetworking:\n  address: 10.0.0.1\n  inbound:\n"
                        + "  - port: 8080\n    tags:\n      kuma.io/service: backend\n";
                assertThat(Http.putYaml(zoneUrl + "/meshes/default/dataplanes/dp-1", dp, null).status()).isEqualTo(201);
                String dpAtGlobal = follower.baseUrl() + "/meshes/default/dataplanes/" + ZONE + ".dp-1";
                Await.until("dataplane at the global", Duration.ofSeconds(30), () -> Http.get(dpAtGlobal).status() == 200);
                Await.until("zone online, seen by the other replica", Duration.ofSeconds(30), () -> state(follower).equals("online"));

                leader.kill(); // SIGKILL: the lease is not given up, the zone's subscription is left open
                long killed = System.nanoTime();
                Duration toLeader = Await.until("the other replica leads", Duration.ofSeconds(30), () -> leads(follower));
                Await.until("the dead replica's zone shown offline by the new leader", Duration.ofSeconds(30),
                        () -> state(follower).equals("offline"));
                Duration toOffline = Duration.ofNanos(System.nanoTime() - killed);
                System.out.printf("GlobalHaIT: kill -9 of the leader -> other replica leads in %d ms; the zone it held shown offline in %d ms%n",
                        toLeader.toMillis(), toOffline.toMillis());
                assertThat(toLeader).as("failover of the leadership").isLessThan(Duration.ofSeconds(10));
                assertThat(subscriptions(follower).get(subscriptions(follower).size() - 1).path("disconnectReason").asText())
                        .contains("stopped (no heartbeat)");

                // A new replica on the dead one's KDS address: the zone resumes there, loses nothing, one live stream.
                restarted = global("global-ha-a2", db, leaderKds);
                UrsaProcess now = restarted;
                Await.until("zone online again on the new replica", Duration.ofSeconds(30), () -> state(follower).equals("online"));
                Await.until("exactly one live subscription", Duration.ofSeconds(10), () -> open(subscriptions(follower)).size() == 1);
                assertThat(Http.get(dpAtGlobal).status()).as("the zone's dataplane survived").isEqualTo(200);
                assertThat(Http.get(now.baseUrl() + "/meshes/default/dataplanes/" + ZONE + ".dp-1").status()).isEqualTo(200);
                assertThat(leads(now)).as("the new replica does not take over a held lease").isFalse();
                assertThat(leads(follower)).isTrue();
            } finally {
                if (zone != null) zone.close();
                if (restarted != null) restarted.close();
                a.close();
                b.close();
            }
        }
    }
}
