package dev.ursa.zone.xds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.ursa.zone.xds.AdsTestClient.CDS;
import static dev.ursa.zone.xds.AdsTestClient.EDS;
import static dev.ursa.zone.xds.AdsTestClient.LDS;
import static dev.ursa.zone.xds.AdsTestClient.RDS;
import static dev.ursa.zone.xds.RunningZone.put;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delta (incremental) ADS on the real zone app: a raw grpc-java client with Envoy's protos (grpc-xds speaks SotW only)
 * subscribes, ACKs, gets only what changed, and stops getting what it unsubscribed.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class DeltaAdsTest {
    static final String MESH = XdsTestPort.MESH;
    static final Duration WAIT = Duration.ofSeconds(5);
    static final List<String> BOTH = List.of("dsvc", "dother");

    @Inject
    XdsEngine engine;

    static void dataplane(String name, String service, int port) {
        put("dataplanes", name, """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                    - port: %d
                      tags: {kuma.io/service: %s, kuma.io/protocol: grpc}
                """.formatted(MESH, name, port, service));
    }

    static void timeout(String service, String requestTimeout) {
        put("meshtimeouts", "delta-timeout", """
                type: MeshTimeout
                mesh: %s
                name: delta-timeout
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: %s}
                      default:
                        http: {requestTimeout: %s}
                """.formatted(MESH, service == null ? "Mesh" : "MeshService, name: " + service, requestTimeout));
    }

    static List<String> names(DeltaDiscoveryResponse r) {
        return r.getResourcesList().stream().map(Resource::getName).toList();
    }

    /** The next response, ACKed. */
    static DeltaDiscoveryResponse nextAcked(AdsTestClient.DeltaStream s, String what) throws InterruptedException {
        DeltaDiscoveryResponse r = s.next(what, WAIT);
        s.ack(r);
        return r;
    }

    @Test
    void deltaClientSubscribesAcksGetsOnlyChangesAndUnsubscribes() throws Exception {
        RestAssuredYaml.enable();
        assertThat(given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode()).isIn(200, 201);
        dataplane("dsvc-1", "dsvc", 7101);
        dataplane("dother-1", "dother", 7102);
        Await.until("both Dataplanes are in the zone's view", WAIT, () -> engine.inspect(NodeId.parse(MESH + ".dsvc-1"), Flavour.ENVOY).isPresent()
                && engine.inspect(NodeId.parse(MESH + ".dother-1"), Flavour.ENVOY).isPresent());

        try (AdsTestClient ads = new AdsTestClient(XdsTestPort.port(), TestTokens.dataplane(MESH));
             AdsTestClient.DeltaStream s = ads.delta(AdsTestClient.node(MESH + ".delta-client", Map.of("ursa.io/flavour", "proxyless")))) {
            // Subscribe to both services for every type; the node goes with the first request only.
            for (String type : List.of(LDS, RDS, CDS, EDS)) s.subscribe(type, BOTH);
            Map<String, DeltaDiscoveryResponse> initial = new HashMap<>();
            while (initial.size() < 4) {
                DeltaDiscoveryResponse r = nextAcked(s, "initial config, have " + initial.keySet());
                initial.merge(r.getTypeUrl(), r, (a, b) -> a.toBuilder().addAllResources(b.getResourcesList()).build());
            }
            // Routes and endpoints are exactly what was subscribed. java-control-plane treats LDS and CDS delta
            // subscriptions as wildcard (as Envoy subscribes to them anyway): the mesh's other services may come too.
            for (String type : List.of(RDS, EDS)) assertThat(names(initial.get(type))).as(type).containsExactlyInAnyOrderElementsOf(BOTH);
            for (String type : List.of(LDS, CDS)) assertThat(names(initial.get(type))).as(type).containsAll(BOTH);
            initial.values().forEach(r -> r.getResourcesList().forEach(res -> assertThat(res.getVersion()).isNotEmpty()));

            // A policy change for dsvc: one RDS response with dsvc's route only. The zone sends types in the order
            // CDS, EDS, LDS, RDS on a stream, so anything else it sent for this change would have come first.
            timeout("dsvc", "3s");
            DeltaDiscoveryResponse route = nextAcked(s, "route after the policy change");
            assertThat(route.getTypeUrl()).isEqualTo(RDS);
            assertThat(names(route)).containsExactly("dsvc");
            assertThat(route.getRemovedResourcesList()).isEmpty();
            String before = version(initial.get(RDS), "dsvc");
            assertThat(route.getResources(0).getVersion()).isNotEqualTo(before);

            // A new endpoint of dsvc: one EDS response with dsvc's assignment only.
            dataplane("dsvc-2", "dsvc", 7103);
            DeltaDiscoveryResponse eds = nextAcked(s, "endpoints after a new Dataplane");
            assertThat(eds.getTypeUrl()).isEqualTo(EDS);
            assertThat(names(eds)).containsExactly("dsvc");

            // Unsubscribe dother's route, then change both routes: only dsvc's comes.
            s.unsubscribe(RDS, List.of("dother"));
            timeout(null, "4s");
            List<DeltaDiscoveryResponse> seen = new ArrayList<>();
            DeltaDiscoveryResponse r;
            do {
                r = nextAcked(s, "route after the mesh-wide change");
                seen.add(r);
            } while (!(r.getTypeUrl().equals(RDS) && names(r).contains("dsvc")));
            assertThat(seen).allSatisfy(x -> assertThat(names(x)).doesNotContain("dother"));

            // dother's last Dataplane leaves: removed from the subscribed types, not from the unsubscribed route.
            given().delete("/meshes/" + MESH + "/dataplanes/dother-1").then().statusCode(200);
            Map<String, List<String>> removed = new HashMap<>();
            while (removed.size() < 3) {
                DeltaDiscoveryResponse x = nextAcked(s, "removals, have " + removed.keySet());
                assertThat(x.getTypeUrl()).isNotEqualTo(RDS);
                removed.put(x.getTypeUrl(), x.getRemovedResourcesList());
            }
            assertThat(removed).containsOnlyKeys(LDS, CDS, EDS);
            removed.values().forEach(l -> assertThat(l).containsExactly("dother"));
            System.out.println("[xds] delta ADS: initial 4 types x 2 resources, then only changed resources: " + names(route) + " " + names(eds)
                    + ", removals " + removed);
        } finally {
            given().delete("/meshes/" + MESH + "/meshtimeouts/delta-timeout");
            given().delete("/meshes/" + MESH + "/dataplanes/dsvc-1");
            given().delete("/meshes/" + MESH + "/dataplanes/dsvc-2");
        }
    }

    static String version(DeltaDiscoveryResponse r, String name) {
        return r.getResourcesList().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow().getVersion();
    }
}
