package dev.ursa.zone.xds;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the zone app, every CDI bean implementing {@link DiscoveryServerCallbacks} is an extra ADS callback: a bean that
 * refuses a node closes that node's stream on the real xDS port. (The zone's own such bean, xDS authentication, lets
 * these nodes in: they present a dataplane token of their mesh.)
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class AdsCallbackBeansTest {
    static final String REFUSED = XdsTestPort.MESH + ".refused-by-bean";

    /** A bean of the test app: refuses only {@link #REFUSED}, so other tests' nodes are not affected. */
    @Singleton
    static class RefusingCallback implements DiscoveryServerCallbacks {
        @Override
        public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
            refuse(request.getNode().getId());
        }

        @Override
        public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
            refuse(request.getNode().getId());
        }

        private static void refuse(String nodeId) throws RequestException {
            if (nodeId.equals(REFUSED)) throw new RequestException(Status.UNAUTHENTICATED.withDescription("refused by a callback bean"));
        }
    }

    @Inject
    XdsEngine engine;

    @Test
    void aCallbackBeanRefusesANodeOnTheZonesXdsPort() throws Exception {
        try (AdsTestClient ads = new AdsTestClient(XdsTestPort.port(), TestTokens.dataplane(XdsTestPort.MESH))) {
            var refused = ads.sotw(AdsTestClient.node(REFUSED, Map.of()));
            refused.request(AdsTestClient.LDS, List.of());
            Status status = refused.awaitClosed(EngineOverAds.WAIT);
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(status.getDescription()).isEqualTo("refused by a callback bean");
            assertThat(engine.connectedNodes()).doesNotContain(NodeId.parse(REFUSED));

            // Another node of the same mesh is served (a client-only view: this app allows unregistered clients).
            var other = ads.sotw(AdsTestClient.node(XdsTestPort.MESH + ".allowed-by-bean", Map.of()));
            other.request(AdsTestClient.LDS, List.of());
            assertThat(other.next("listeners of the allowed node", EngineOverAds.WAIT).getTypeUrl()).isEqualTo(AdsTestClient.LDS);
            other.close();
        }
        // xDS authentication is such a bean too, and runs first: without a token, the refusal is its own.
        try (AdsTestClient noToken = new AdsTestClient(XdsTestPort.port())) {
            var refused = noToken.sotw(AdsTestClient.node(REFUSED, Map.of()));
            refused.request(AdsTestClient.LDS, List.of());
            Status status = refused.awaitClosed(EngineOverAds.WAIT);
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(status.getDescription()).startsWith("no dataplane token");
        }
    }
}
