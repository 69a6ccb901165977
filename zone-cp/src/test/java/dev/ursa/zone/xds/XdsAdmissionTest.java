package dev.ursa.zone.xds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.auth.KeyRing;
import dev.ursa.cp.auth.PublicKeys;
import dev.ursa.cp.auth.Revocations;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TokenTrust;
import dev.ursa.cp.tokens.DataplaneToken;
import dev.ursa.cp.tokens.DataplaneTokenRequest;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.testsupport.Await;
import dev.ursa.zone.xds.auth.XdsAuthenticator;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * xDS admission with real grpc-java ADS streams against the running zone: a node needs a dataplane token (header or
 * node metadata) of its mesh, name and tags; refusals name the reason; a revoked or expired token closes its streams
 * within a bounded time; tokens the global issued are trusted through its published TokenTrust.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class XdsAdmissionTest {
    static final String MESH = "auth";
    static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ResourceStore store;
    @Inject
    XdsEngine engine;

    private AdsTestClient plain;

    @BeforeEach
    void setUp() {
        RestAssuredYaml.enable();
        assertThat(given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode()).isIn(200, 201);
        register("web-1", "web", 7301);
        register("backend-1", "backend", 7302);
        Await.until("the zone sees web-1 and backend-1", WAIT, () -> engine.registeredDataplane(new NodeId(MESH, "web-1")).isPresent()
                && engine.registeredDataplane(new NodeId(MESH, "backend-1")).isPresent());
        plain = new AdsTestClient(XdsTestPort.port());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        plain.close();
    }

    static void register(String name, String service, int port) {
        assertThat(given().contentType("application/yaml").body(dataplane(name, service, port)).put("/meshes/" + MESH + "/dataplanes/" + name)
                .statusCode()).isIn(200, 201);
    }

    static String dataplane(String name, String service, int port) {
        return """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                    - port: %d
                      tags: {kuma.io/service: %s}
                """.formatted(MESH, name, port, service);
    }

    static Node node(String name, Map<String, String> metadata) {
        return AdsTestClient.node(MESH + "." + name, metadata);
    }

    /** Opens a SotW stream, asks for listeners, and returns the status the zone closed it with. */
    static Status refusal(AdsTestClient client, Node node) throws Exception {
        AdsTestClient.SotwStream s = client.sotw(node);
        s.request(AdsTestClient.LDS, List.of());
        Status status = s.awaitClosed(WAIT);
        assertThat(s.responses).as("a refused node gets no config").isEmpty();
        return status;
    }

    /** A SotW stream that received its first listeners (and ACKed them). */
    static AdsTestClient.SotwStream configured(AdsTestClient client, Node node) throws Exception {
        AdsTestClient.SotwStream s = client.sotw(node);
        s.request(AdsTestClient.LDS, List.of());
        DiscoveryResponse r = s.next("listeners of " + node.getId(), WAIT);
        assertThat(r.getTypeUrl()).isEqualTo(AdsTestClient.LDS);
        assertThat(r.getResourcesCount()).isPositive();
        s.ack(r, List.of());
        return s;
    }

    @Test
    void aNodeWithoutATokenIsRefusedAndNotServed() throws Exception {
        Status status = refusal(plain, node("web-1", Map.of()));
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status.getDescription()).contains("no dataplane token").contains("authorization: Bearer").contains("dataplane.token");
        assertThat(streamsOf("web-1")).as("streams the engine holds for web-1").isZero();
    }

    @Test
    void malformedWronglySignedOrOtherKindsOfTokensAreRefused() throws Exception {
        assertThat(refusal(plain, node("web-1", Map.of(XdsAuthenticator.TOKEN_METADATA_KEY, "not-a-jwt"))).getDescription()).contains("malformed");
        KeyRing foreign = KeyRing.generate(Instant.now());
        String forged = foreign.sign(DataplaneToken.claims(new DataplaneTokenRequest(MESH, Optional.empty(), Map.of(), Duration.ofHours(1)), Instant.now()));
        Status unknownKey = refusal(plain, node("web-1", Map.of(XdsAuthenticator.TOKEN_METADATA_KEY, forged)));
        assertThat(unknownKey.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(unknownKey.getDescription()).contains("signature is not valid");
        try (AdsTestClient ingressToken = new AdsTestClient(XdsTestPort.port(), TestTokens.ingress())) {
            Status wrongKind = refusal(ingressToken, node("web-1", Map.of()));
            assertThat(wrongKind.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(wrongKind.getDescription()).contains("dataplane token signature is not valid");
        }
        try (AdsTestClient notBearer = AdsTestClient.withAuthorization(XdsTestPort.port(), "Basic abc")) {
            assertThat(refusal(notBearer, node("web-1", Map.of())).getDescription()).contains("Bearer");
        }
    }

    @Test
    void aTokenForAnotherNameOrMeshIsRefusedWithTheReason() throws Exception {
        try (AdsTestClient other = new AdsTestClient(XdsTestPort.port(), TestTokens.dataplane(MESH, "backend-1"))) {
            Status status = refusal(other, node("web-1", Map.of()));
            assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(status.getDescription()).contains("is for dataplane \"backend-1\", not \"web-1\"");
        }
        try (AdsTestClient otherMesh = new AdsTestClient(XdsTestPort.port(), TestTokens.dataplane("other-mesh"))) {
            Status status = refusal(otherMesh, node("web-1", Map.of()));
            assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(status.getDescription()).contains("is for mesh \"other-mesh\", not \"auth\"");
        }
        assertThat(streamsOf("web-1")).as("streams the engine holds for web-1").isZero();
    }

    @Test
    void tagsTheTokenDoesNotAllowAreRefusedAndNothingIsRegistered() throws Exception {
        String backendOnly = TestTokens.mint("/tokens/dataplane", "{\"mesh\":\"auth\",\"tags\":{\"kuma.io/service\":[\"backend\"]}}");
        try (AdsTestClient client = new AdsTestClient(XdsTestPort.port(), backendOnly)) {
            Status status = refusal(client, node("web-1", Map.of()));
            assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(status.getDescription()).contains("allows kuma.io/service in [backend]").contains("inbound[0] of Dataplane web-1 has kuma.io/service=web");
            configured(client, node("backend-1", Map.of())).close();

            // Self-registration: the Dataplane in the node's metadata must carry only allowed tags too.
            Status self = refusal(client, node("rogue-1", Map.of(XdsEngine.DATAPLANE_METADATA_KEY, dataplane("rogue-1", "web", 7303))));
            assertThat(self.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(self.getDescription()).contains("Dataplane rogue-1 has kuma.io/service=web");
            Await.holds("the refused node registered nothing", Duration.ofMillis(300), () -> get(ResourceKey.of(ResourceTypes.DATAPLANE, MESH, "rogue-1")).isEmpty());
            configured(client, node("self-1", Map.of(XdsEngine.DATAPLANE_METADATA_KEY, dataplane("self-1", "backend", 7304)))).close();
        }
    }

    @Test
    void aValidTokenInTheHeaderOrInNodeMetadataIsConfiguredOnSotwAndDelta() throws Exception {
        try (AdsTestClient header = new AdsTestClient(XdsTestPort.port(), TestTokens.dataplane(MESH, "web-1"))) {
            configured(header, node("web-1", Map.of())).close();
            AdsTestClient.DeltaStream delta = header.delta(node("web-1", Map.of()));
            delta.subscribe(AdsTestClient.LDS, List.of());
            DeltaDiscoveryResponse r = delta.next("delta listeners", WAIT);
            assertThat(r.getResourcesCount()).isPositive();
            delta.close();
        }
        configured(plain, node("web-1", Map.of(XdsAuthenticator.TOKEN_METADATA_KEY, TestTokens.dataplane(MESH)))).close();
    }

    @Test
    void revokingATokenClosesItsStreamsWithinABoundedTimeAndOthersStay() throws Exception {
        String token = TestTokens.dataplane(MESH, "web-1");
        String other = TestTokens.dataplane(MESH, "backend-1");
        try (AdsTestClient a = new AdsTestClient(XdsTestPort.port(), token); AdsTestClient b = new AdsTestClient(XdsTestPort.port(), other)) {
            AdsTestClient.SotwStream web = configured(a, node("web-1", Map.of()));
            AdsTestClient.SotwStream backend = configured(b, node("backend-1", Map.of()));
            given().contentType("application/json").body("{\"token\":\"" + token + "\"}").post("/tokens/dataplane/revocations").then().statusCode(204);
            Status closed = web.awaitClosed(WAIT);
            assertThat(closed.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(closed.getDescription()).isEqualTo("dataplane token " + idOf(token) + " was revoked");
            Await.until("the engine released web-1's stream", WAIT, () -> streamsOf("web-1") == 0);
            assertThat(backend.closed).isNotDone();
            assertThat(refusal(a, node("web-1", Map.of())).getDescription()).contains("was revoked");

            // By id as well (what logs show); the other node's stream goes too.
            given().contentType("application/json").body("{\"id\":\"" + idOf(other) + "\"}").post("/tokens/dataplane/revocations").then().statusCode(204);
            assertThat(backend.awaitClosed(WAIT).getDescription()).contains("was revoked");
        }
    }

    @Test
    void anExpiringTokenClosesItsStreamAtItsExpiry() throws Exception {
        String shortLived = TestTokens.mint("/tokens/dataplane", "{\"mesh\":\"auth\",\"name\":\"web-1\",\"validFor\":\"3s\"}");
        try (AdsTestClient client = new AdsTestClient(XdsTestPort.port(), shortLived)) {
            AdsTestClient.SotwStream s = configured(client, node("web-1", Map.of()));
            Status closed = s.awaitClosed(Duration.ofSeconds(15));
            assertThat(closed.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(closed.getDescription()).isEqualTo("dataplane token " + idOf(shortLived) + " expired");
            assertThat(refusal(client, node("web-1", Map.of())).getDescription()).contains("expired");
        }
    }

    @Test
    void tokensOfTheGlobalAreTrustedThroughItsTokenTrustUntilItRevokesThem() throws Exception {
        KeyRing global = KeyRing.generate(Instant.now());
        JwtClaims claims = DataplaneToken.claims(new DataplaneTokenRequest(MESH, Optional.of("web-1"), Map.of(), Duration.ofHours(1)), Instant.now());
        String token = global.sign(claims);
        try (AdsTestClient client = new AdsTestClient(XdsTestPort.port(), token)) {
            assertThat(refusal(client, node("web-1", Map.of())).getDescription()).contains("signature is not valid");
            publish(TokenTrust.resource(TokenKind.DATAPLANE, global.publicKeys(), Revocations.none()));
            AdsTestClient.SotwStream s = configuredEventually(client, node("web-1", Map.of()));
            publish(TokenTrust.resource(TokenKind.DATAPLANE, global.publicKeys(),
                    Revocations.none().with(PublicKeys.id(claims), PublicKeys.expiry(claims))));
            Status closed = s.awaitClosed(WAIT);
            assertThat(closed.getDescription()).isEqualTo("dataplane token " + PublicKeys.id(claims) + " was revoked");
        } finally {
            store.delete(TokenTrust.key(TokenKind.DATAPLANE), Precondition.ANY).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDataplaneChangedToTagsItsTokenDoesNotAllowIsClosed() throws Exception {
        String webOnly = TestTokens.mint("/tokens/dataplane", "{\"mesh\":\"auth\",\"tags\":{\"kuma.io/service\":[\"web\"]}}");
        try (AdsTestClient client = new AdsTestClient(XdsTestPort.port(), webOnly)) {
            AdsTestClient.SotwStream s = configured(client, node("web-1", Map.of()));
            register("web-1", "backend", 7301);
            Status closed = s.awaitClosed(WAIT);
            assertThat(closed.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(closed.getDescription()).contains("has kuma.io/service=backend");
        } finally {
            register("web-1", "web", 7301);
        }
    }

    /** The TokenTrust reaches the zone's admission asynchronously: retried until configured. */
    private AdsTestClient.SotwStream configuredEventually(AdsTestClient client, Node node) {
        AdsTestClient.SotwStream[] out = new AdsTestClient.SotwStream[1];
        Await.until("the published key is trusted", WAIT, () -> {
            AdsTestClient.SotwStream s = client.sotw(node);
            s.request(AdsTestClient.LDS, List.of());
            try {
                DiscoveryResponse r = s.responses.poll(2, TimeUnit.SECONDS);
                if (r == null) return false;
                s.ack(r, List.of());
                out[0] = s;
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return out[0];
    }

    private void publish(Resource trust) throws Exception {
        store.put(trust, Precondition.ANY).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private Optional<Resource> get(ResourceKey key) {
        try {
            return store.get(key).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int streamsOf(String name) {
        return engine.status(new NodeId(MESH, name)).map(NodeStatus::streams).orElse(0);
    }

    static String idOf(String token) throws Exception {
        return PublicKeys.id(JwtClaims.parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]))));
    }
}
