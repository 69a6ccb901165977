package dev.ursa.zone.xds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.testsupport.Await;
import dev.ursa.zone.FederatedZoneApiTest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ursa.xds.allow-unregistered-clients=false} (set by the federated test profile, so this reuses that app boot):
 * a node with no Dataplane is refused with PERMISSION_DENIED and a clear message, registered and self-registering
 * nodes are served, and a refusal does not disturb them.
 */
@QuarkusTest
@TestProfile(FederatedZoneApiTest.Federated.class)
@QuarkusTestResource(XdsTestPort.class)
class UnregisteredClientsRefusedTest {
    static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    ResourceStore store;
    @Inject
    XdsEngine engine;

    @Test
    void aNodeWithoutDataplaneIsRefusedAndOthersAreServed() throws Exception {
        RestAssuredYaml.enable();
        // The mesh comes from the global over KDS in a federated zone; written into the store as KDS would.
        EngineOverAds.write(store, "type: Mesh\nname: default\n");
        given().contentType("application/yaml").body(EngineOverAds.dataplane("known-1", "known-1", 7201)).put("/meshes/default/dataplanes/known-1").then().statusCode(201);
        Await.until("the zone sees known-1", WAIT, () -> engine.inspect(NodeId.parse("default.known-1"), Flavour.ENVOY).isPresent());

        try (AdsTestClient ads = new AdsTestClient(XdsTestPort.port(), TestTokens.dataplane("default"))) {
            var known = ads.sotw(AdsTestClient.node("default.known-1", Map.of()));
            known.request(AdsTestClient.LDS, List.of());
            DiscoveryResponse first = known.next("listeners of known-1", WAIT);
            assertThat(AdsTestClient.listenerNames(first)).contains("inbound:127.0.0.1:7201");
            known.ack(first, List.of());

            var stranger = ads.sotw(AdsTestClient.node("default.stranger", Map.of()));
            stranger.request(AdsTestClient.LDS, List.of());
            Status refused = stranger.awaitClosed(WAIT);
            System.out.println("[xds] unregistered node refused: " + refused);
            assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(refused.getDescription()).contains("\"stranger\"").contains("\"default\"")
                    .contains("dataplane.resource").contains("ursa.xds.allow-unregistered-clients");
            assertThat(stranger.responses).isEmpty();
            assertThat(engine.connectedNodes()).doesNotContain(NodeId.parse("default.stranger"));

            // The registered node keeps its stream and still gets changes.
            given().contentType("application/yaml").body(EngineOverAds.dataplane("known-1", "known-1", 7202)).put("/meshes/default/dataplanes/known-1").then().statusCode(200);
            DiscoveryResponse moved = known.next("listeners after known-1 moved", WAIT);
            assertThat(AdsTestClient.listenerNames(moved)).contains("inbound:127.0.0.1:7202");
            assertThat(known.closed).isNotDone();

            // A node carrying its own Dataplane is registered, hence served.
            var self = ads.sotw(AdsTestClient.node("default.self-1", Map.of(XdsEngine.DATAPLANE_METADATA_KEY, EngineOverAds.dataplane("self-1", "self-1", 7203))));
            self.request(AdsTestClient.LDS, List.of());
            assertThat(AdsTestClient.listenerNames(self.next("listeners of self-1", WAIT))).contains("inbound:127.0.0.1:7203");
            self.close();
            known.close();
        } finally {
            given().delete("/meshes/default/dataplanes/known-1");
        }
    }
}
