package dev.ursa.zone.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.auth.KeyRing;
import dev.ursa.cp.auth.Revocations;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TokenTrust;
import dev.ursa.cp.auth.ZoneToken;
import dev.ursa.mesh.crosszone.IngressXds;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.testsupport.Await;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ingress admission with real ADS streams: an {@code ingress/<name>} node needs a zone token of this zone with scope
 * ingress; without one it cannot register or change a ZoneIngress, and with a valid token of another identity it cannot
 * take over a registered one (until the owner's token is revoked or its registration expires).
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class IngressAdmissionTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String ZONE = "test-zone";

    @Inject
    ResourceStore store;

    @BeforeEach
    void setUp() {
        RestAssuredYaml.enable();
    }

    static Node ingress(String name, String advertisedAddress) {
        Struct meta = Struct.newBuilder()
                .putFields("address", Value.newBuilder().setStringValue("127.0.0.1").build())
                .putFields("port", Value.newBuilder().setNumberValue(10001).build())
                .putFields("advertisedAddress", Value.newBuilder().setStringValue(advertisedAddress).build())
                .putFields("advertisedPort", Value.newBuilder().setNumberValue(10001).build())
                .build();
        return Node.newBuilder().setId(IngressXds.nodeId(name))
                .setMetadata(Struct.newBuilder().putFields(IngressXds.NODE_METADATA, Value.newBuilder().setStructValue(meta).build())).build();
    }

    AdsTestClient.SotwStream open(AdsTestClient client, Node node) {
        AdsTestClient.SotwStream s = client.sotw(node);
        s.request(AdsTestClient.CDS, List.of());
        return s;
    }

    Status refused(AdsTestClient client, Node node) throws Exception {
        AdsTestClient.SotwStream s = open(client, node);
        Status status = s.awaitClosed(WAIT);
        assertThat(s.responses).as("a refused ingress gets no routing table").isEmpty();
        return status;
    }

    Optional<String> advertised(String name) {
        try {
            return store.get(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", name)).toCompletableFuture().get(5, TimeUnit.SECONDS)
                    .map(r -> r.spec(ZoneIngressSpec.class).networking().advertisedAddress());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRogueIngressWithoutAnIngressTokenCannotRegisterOrChangeAZoneIngress() throws Exception {
        try (AdsTestClient none = new AdsTestClient(XdsTestPort.port());
             AdsTestClient dataplaneToken = new AdsTestClient(XdsTestPort.port(), TestTokens.dataplane("default"))) {
            Status noToken = refused(none, ingress("rogue", "203.0.113.66"));
            assertThat(noToken.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(noToken.getDescription()).contains("no zone token").contains("scope ingress");
            Status wrongKind = refused(dataplaneToken, ingress("rogue", "203.0.113.66"));
            assertThat(wrongKind.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(wrongKind.getDescription()).contains("zone token signature is not valid");
        }
        assertThat(advertised("rogue")).isEmpty();

        // A zone token of the global (trusted through its published keys), but with scope cp or for another zone.
        KeyRing global = KeyRing.generate(Instant.now());
        store.put(TokenTrust.resource(TokenKind.ZONE, global.publicKeys(), Revocations.none()), Precondition.ANY)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        try {
            JwtClaims cp = ZoneToken.claims(ZONE, List.of(ZoneToken.CP), Instant.now(), Duration.ofHours(1));
            try (AdsTestClient cpToken = new AdsTestClient(XdsTestPort.port(), global.sign(cp))) {
                Await.until("the global's zone keys are trusted", WAIT, () -> {
                    Status s = refusedQuietly(cpToken, ingress("rogue", "203.0.113.66"));
                    return s.getCode() == Status.Code.PERMISSION_DENIED;
                });
                assertThat(refused(cpToken, ingress("rogue", "203.0.113.66")).getDescription()).contains("has scope [cp]");
            }
            try (AdsTestClient otherZone = new AdsTestClient(XdsTestPort.port(), global.sign(ZoneToken.claims("zone-9", List.of(ZoneToken.INGRESS), Instant.now(),
                    Duration.ofHours(1))))) {
                assertThat(refused(otherZone, ingress("rogue", "203.0.113.66")).getDescription()).contains("is for zone zone-9, not test-zone");
            }
            try (AdsTestClient valid = new AdsTestClient(XdsTestPort.port(), global.sign(ZoneToken.claims(ZONE, List.of(ZoneToken.INGRESS), Instant.now(),
                    Duration.ofHours(1))))) {
                AdsTestClient.SotwStream s = open(valid, ingress("global-issued", "203.0.113.7"));
                Await.until("the global-issued token registers its ingress", WAIT, () -> advertised("global-issued").equals(Optional.of("203.0.113.7")));
                s.close();
            }
        } finally {
            store.delete(TokenTrust.key(TokenKind.ZONE), Precondition.ANY).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertThat(advertised("rogue")).isEmpty();
    }

    private Status refusedQuietly(AdsTestClient client, Node node) {
        try {
            return open(client, node).awaitClosed(WAIT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aValidTokenOfAnotherIdentityCannotTakeOverARegisteredIngress() throws Exception {
        String first = TestTokens.ingress();
        String second = TestTokens.ingress();
        try (AdsTestClient owner = new AdsTestClient(XdsTestPort.port(), first); AdsTestClient other = new AdsTestClient(XdsTestPort.port(), second)) {
            AdsTestClient.SotwStream registered = open(owner, ingress("ingress-a", "203.0.113.1"));
            Await.until("ingress-a registered", WAIT, () -> advertised("ingress-a").equals(Optional.of("203.0.113.1")));

            Status takeover = refused(other, ingress("ingress-a", "203.0.113.99"));
            assertThat(takeover.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(takeover.getDescription()).isEqualTo("ingress test-zone.ingress-a is registered by another identity");
            // The owner may open more streams (a restart overlapping the old one); the other identity may register its own name.
            AdsTestClient.SotwStream again = open(owner, ingress("ingress-a", "203.0.113.1"));
            AdsTestClient.SotwStream own = open(other, ingress("ingress-b", "203.0.113.2"));
            Await.until("ingress-b registered", WAIT, () -> advertised("ingress-b").equals(Optional.of("203.0.113.2")));
            assertThat(advertised("ingress-a")).contains("203.0.113.1");

            // Revoking the owner's token closes its streams and frees the name at once.
            given().contentType("application/json").body("{\"token\":\"" + first + "\"}").post("/tokens/zone/revocations").then().statusCode(204);
            assertThat(registered.awaitClosed(WAIT).getDescription()).contains("was revoked");
            assertThat(again.awaitClosed(WAIT).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            AdsTestClient.SotwStream taken = open(other, ingress("ingress-a", "203.0.113.99"));
            Await.until("the new identity registered ingress-a", WAIT, () -> advertised("ingress-a").equals(Optional.of("203.0.113.99")));
            taken.close();
            own.close();
        }
    }

    @Test
    void aRegistrationIsFreedWhenItsIngressIsGoneForTheGracePeriod() throws Exception {
        try (AdsTestClient owner = new AdsTestClient(XdsTestPort.port(), TestTokens.ingress());
             AdsTestClient successor = new AdsTestClient(XdsTestPort.port(), TestTokens.ingress())) {
            AdsTestClient.SotwStream s = open(owner, ingress("ingress-c", "203.0.113.3"));
            Await.until("ingress-c registered", WAIT, () -> advertised("ingress-c").isPresent());
            s.close();
            Await.until("ingress-c removed after the grace period", WAIT, () -> advertised("ingress-c").isEmpty());
            // The name is freed a grace period after the owner's last stream, as the ZoneIngress is removed: retried until then.
            Await.until("the successor is admitted as ingress-c", WAIT, () -> {
                AdsTestClient.SotwStream next = open(successor, ingress("ingress-c", "203.0.113.33"));
                try {
                    return next.responses.poll(2, TimeUnit.SECONDS) != null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            Await.until("the successor registered ingress-c", WAIT, () -> advertised("ingress-c").equals(Optional.of("203.0.113.33")));
        }
    }
}
