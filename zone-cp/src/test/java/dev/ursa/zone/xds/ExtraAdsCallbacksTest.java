package dev.ursa.zone.xds;

import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An extra java-control-plane callback (as authentication will be) plugged into the engine without editing it: it runs
 * before the engine's own, so a node it refuses never reaches the engine (no node state, no self-registration).
 */
class ExtraAdsCallbacksTest {
    static final String REFUSED = "default.refused-1";

    /** Refuses one node id on a stream's requests, the way an authentication callback refuses a bad token. */
    static final class RefuseNode implements DiscoveryServerCallbacks {
        @Override
        public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
            if (request.getNode().getId().equals(REFUSED)) {
                throw new RequestException(Status.UNAUTHENTICATED.withDescription("node " + REFUSED + " refused by the test callback"));
            }
        }

        @Override
        public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
            if (request.getNode().getId().equals(REFUSED)) {
                throw new RequestException(Status.UNAUTHENTICATED.withDescription("node " + REFUSED + " refused by the test callback"));
            }
        }
    }

    @Test
    void anExtraCallbackRefusesANodeBeforeTheEngineSeesIt() throws Exception {
        InMemoryStore store = new InMemoryStore();
        EngineOverAds.write(store, "type: Mesh\nname: default\n");
        EngineOverAds.write(store, EngineOverAds.dataplane("allowed-1", "web", 8081));
        XdsEngine engine = new XdsEngine(store, XdsSettings.defaults("zone-1"), new SimpleMeterRegistry(), StreamExecutors.SENDER_THREADS,
                List.of(new RefuseNode()));
        try (EngineOverAds zone = new EngineOverAds(store, engine);
             AdsTestClient ads = new AdsTestClient(zone.port())) {
            // Refused although it carries a valid Dataplane: the extra callback ran first.
            var refused = ads.sotw(AdsTestClient.node(REFUSED, Map.of(XdsEngine.DATAPLANE_METADATA_KEY,
                    EngineOverAds.dataplane("refused-1", "backend", 8080))));
            refused.request(AdsTestClient.LDS, List.of());
            Status status = refused.awaitClosed(EngineOverAds.WAIT);
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(status.getDescription()).contains("refused by the test callback");
            assertThat(refused.responses).isEmpty();

            // A delta stream of the same node is refused as well.
            var delta = ads.delta(AdsTestClient.node(REFUSED, Map.of()));
            delta.subscribe(AdsTestClient.LDS, List.of());
            assertThat(delta.awaitClosed(EngineOverAds.WAIT).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

            // Other nodes are served as usual...
            zone.connect("allowed-1");
            assertThat(engine.connectedNodes()).contains(new NodeId("default", "allowed-1"));
            // ...and the refused one left no trace: no node state, no self-registered Dataplane.
            assertThat(engine.status(NodeId.parse(REFUSED))).isEmpty();
            assertThat(engine.connectedNodes()).doesNotContain(NodeId.parse(REFUSED));
            assertThat(store.get(ResourceKey.of(ResourceTypes.DATAPLANE, "default", "refused-1")).toCompletableFuture().join()).isEmpty();
        }
    }
}
