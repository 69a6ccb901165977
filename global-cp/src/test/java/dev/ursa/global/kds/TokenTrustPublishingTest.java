package dev.ursa.global.kds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.auth.TokenTrust;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.resources.TokenTrustSpec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ResourceStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.jose4j.jwk.JsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.ursa.global.kds.KdsTestZones.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The global publishes what zones need to verify its tokens (TokenTrust {@code zone-tokens} and {@code dataplane-tokens}:
 * public keys and revoked ids), keeps it current on rotation and revocation, and KDS carries it to a zone's store.
 */
@QuarkusTest
@TestProfile(GlobalKdsTest.Profile.class)
class TokenTrustPublishingTest {
    private static final List<String> PRIVATE_JWK_PARAMS = List.of("d", "p", "q", "dp", "dq", "qi");

    @Inject
    KdsServer kds;
    @Inject
    ResourceStore store;
    @Inject
    TokenKeys keys;

    KdsTestZones zones;

    @BeforeEach
    void start() {
        RestAssuredYaml.enable();
        zones = new KdsTestZones(kds.port());
    }

    @AfterEach
    void close() throws Exception {
        zones.close();
    }

    static Optional<TokenTrustSpec> trust(ResourceStore s, TokenKind kind) {
        return s.get(TokenTrust.key(kind)).toCompletableFuture().join().map(r -> r.spec(TokenTrustSpec.class));
    }

    static List<String> kids(TokenTrustSpec spec) {
        return TokenTrust.keys(spec).keys().stream().map(JsonWebKey::getKeyId).toList();
    }

    @Test
    void aZoneReceivesBothTrustsOverKdsAndSeesRotationsAndRevocations() throws Exception {
        InMemoryStore zoneStore = new InMemoryStore();
        zones.zone("zone-t", token("zone-t", "1h"), zoneStore).synced().get(10, TimeUnit.SECONDS);
        for (TokenKind kind : List.of(TokenKind.ZONE, TokenKind.DATAPLANE)) {
            Await.until(TokenTrust.name(kind) + " at the zone", GlobalKdsTest.WAIT, () -> trust(zoneStore, kind).isPresent());
            TokenTrustSpec atZone = trust(zoneStore, kind).orElseThrow();
            assertThat(kids(atZone)).as(kind + " keys at the zone").containsExactlyInAnyOrderElementsOf(
                    keys.ring(kind).publicKeys().keys().stream().map(JsonWebKey::getKeyId).toList());
            // public halves only: no private RSA parameter ever leaves the global
            for (Map<String, Object> jwk : atZone.keys()) assertThat(jwk).doesNotContainKeys(PRIVATE_JWK_PARAMS.toArray(String[]::new));
        }
        Resource published = store.get(TokenTrust.key(TokenKind.ZONE)).toCompletableFuture().join().orElseThrow();
        given().get("/tokentrusts/zone-tokens").then().statusCode(200);
        assertThat(published.meta().name()).isEqualTo("zone-tokens");

        // Rotation of the dataplane keys: the zone gets the new key next to the old one.
        String newKid = keys.ring(TokenKind.DATAPLANE).rotate().current().kid();
        Await.until("the rotated dataplane key at the zone", GlobalKdsTest.WAIT, () -> kids(trust(zoneStore, TokenKind.DATAPLANE).orElseThrow()).contains(newKid));

        // Revocation of a zone token (e.g. a leaked ingress token): the zone gets its id.
        String leaked = token("zone-t", "[\"ingress\"]", "1h");
        given().contentType("application/json").body("{\"token\":\"" + leaked + "\"}").post("/tokens/zone/revocations").then().statusCode(204);
        String id = ZoneTokenLifecycleTest.claims(leaked).path("jti").asText();
        Await.until("the revoked id at the zone", GlobalKdsTest.WAIT, () -> trust(zoneStore, TokenKind.ZONE).orElseThrow().revoked().containsKey(id));

        // Revocation by id: kept as long as a token can live, then forgotten.
        String other = token("zone-t", "1h");
        String otherId = ZoneTokenLifecycleTest.claims(other).path("jti").asText();
        given().contentType("application/json").body("{\"id\":\"" + otherId + "\"}").post("/tokens/zone/revocations").then().statusCode(204);
        Await.until("the id-only revocation at the zone", GlobalKdsTest.WAIT, () -> trust(zoneStore, TokenKind.ZONE).orElseThrow().revoked().containsKey(otherId));
    }

    @Test
    void trustResourcesAreReadOnlyThroughTheApi() {
        given().contentType("application/json").body("{\"type\":\"TokenTrust\",\"name\":\"zone-tokens\",\"keys\":[]}")
                .put("/tokentrusts/zone-tokens").then().statusCode(405);
        Await.until("zone-tokens published", GlobalKdsTest.WAIT, () -> trust(store, TokenKind.ZONE).isPresent());
        assertThat(trust(store, TokenKind.ZONE).orElseThrow().keys()).isNotEmpty();
    }
}
