package dev.ursa.global.kds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import dev.ursa.cp.auth.TokenTrust;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.TokenTrustSpec;
import dev.ursa.mesh.store.ResourceStore;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.jose4j.jwk.JsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.ursa.global.kds.GlobalKdsTest.assertRefused;
import static dev.ursa.global.kds.KdsTestZones.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zone tokens over their life on a real global: scopes, expiry closing an open stream, signing-key rotation (old tokens
 * keep working until they expire), and the zone's own state on the global (disabled, deleted).
 */
@QuarkusTest
@TestProfile(GlobalKdsTest.Profile.class)
class ZoneTokenLifecycleTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KdsServer kds;
    @Inject
    ResourceStore store;

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

    static String kid(String jwt) throws Exception {
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))));
        return header.path("kid").asText();
    }

    static JsonNode claims(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    @Test
    void anIngressScopedTokenCannotOpenKdsAndTheDefaultScopeIsCp() throws Exception {
        String ingress = token("zone-i", "[\"ingress\"]", "1h");
        assertThat(claims(ingress).path("scope").toString()).isEqualTo("[\"ingress\"]");
        assertThat(zones.rawCall(ingress, "zone-i")).satisfies(s -> assertRefused(s, Status.Code.PERMISSION_DENIED,
                "has scope [ingress]: a zone CP's KDS stream needs scope cp"));

        String plain = token("zone-i", "1h");
        JsonNode c = claims(plain);
        assertThat(c.path("scope").toString()).isEqualTo("[\"cp\"]");
        assertThat(c.path("kind").asText()).isEqualTo("zone");
        assertThat(c.path("zone").asText()).isEqualTo("zone-i");
        assertThat(c.path("sub").asText()).isEqualTo("zone-i");
        zones.zone("zone-i", token("zone-i", "[\"cp\",\"ingress\"]", "1h")).synced().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anOpenStreamClosesWhenItsTokenExpiresNotOnlyAtTheNextDial() throws Exception {
        KdsTestZones.Zone zone = zones.zone("zone-x", token("zone-x", "6s"));
        zone.synced().get(6, TimeUnit.SECONDS);

        Await.until("the stream closed at the token's expiry", GlobalKdsTest.WAIT, () -> !zone.disconnects().isEmpty());
        Status first = zone.disconnects().getFirst();
        assertThat(first.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        // The open stream was closed by the global at exp (not refused at a later dial, which says only "zone token expired").
        assertThat(first.getDescription()).startsWith("zone token expired: give the zone CP a new token");
        Await.until("no stream of zone-x left", GlobalKdsTest.WAIT, () -> kds.openStreams().stream().noneMatch(s -> s.zone().equals("zone-x")));
    }

    @Test
    void afterARotationOldTokensStillOpenKdsAndNewOnesAreSignedByTheNewKey() throws Exception {
        String before = token("zone-k", "1h");
        String oldKid = kid(before);
        String newKid = given().post("/tokens/zone/signing-keys/_rotate").then().statusCode(200).extract().path("kid");
        assertThat(newKid).isNotEqualTo(oldKid);

        zones.zone("zone-k", before).synced().get(10, TimeUnit.SECONDS);
        String after = token("zone-k2", "1h");
        assertThat(kid(after)).isEqualTo(newKid);
        zones.zone("zone-k2", after).synced().get(10, TimeUnit.SECONDS);
        // Zones verify ingress tokens of both keys: the published trust has them both.
        Await.until("zone-tokens trust with both keys", GlobalKdsTest.WAIT, () -> {
            TokenTrustSpec spec = store.get(TokenTrust.key(TokenKind.ZONE)).toCompletableFuture().join().orElseThrow().spec(TokenTrustSpec.class);
            return TokenTrust.keys(spec).keys().stream().map(JsonWebKey::getKeyId).toList().containsAll(List.of(oldKid, newKid));
        });
    }

    @Test
    void aDisabledZoneIsRefusedAndLosesItsStreams() throws Exception {
        KdsTestZones.Zone zone = zones.zone("zone-d", token("zone-d", "1h"));
        zone.synced().get(10, TimeUnit.SECONDS);
        given().contentType("application/json").body("{\"type\":\"Zone\",\"name\":\"zone-d\",\"enabled\":false}").put("/zones/zone-d")
                .then().statusCode(200);
        Await.until("zone-d's stream closed", GlobalKdsTest.WAIT, () -> zone.refusedWith(Status.Code.PERMISSION_DENIED, "zone zone-d was disabled"));
        assertThat(zones.rawCall(token("zone-d", "1h"), "zone-d"))
                .satisfies(s -> assertRefused(s, Status.Code.PERMISSION_DENIED, "zone zone-d is disabled on the global"));
    }

    @Test
    void deletingAZoneClosesItsStreamsAndRefusesTheTokensIssuedBeforeButNotANewOne() throws Exception {
        String old = token("zone-del", "1h");
        KdsTestZones.Zone zone = zones.zone("zone-del", old);
        zone.synced().get(10, TimeUnit.SECONDS);
        Await.until("zone-del's Zone created at connect", GlobalKdsTest.WAIT, () -> store.get(ResourceKey.of(ResourceTypes.ZONE, "", "zone-del")).toCompletableFuture().join().isPresent());

        given().delete("/zones/zone-del").then().statusCode(200);

        Await.until("zone-del's stream closed", GlobalKdsTest.WAIT, () -> zone.refusedWith(Status.Code.PERMISSION_DENIED, "zone zone-del was deleted on the global"));
        zone.client().close();
        assertThat(zones.rawCall(old, "zone-del")).satisfies(s -> assertRefused(s, Status.Code.PERMISSION_DENIED,
                "zone zone-del was deleted on the global after this token was issued: mint a new zone token"));

        // Tokens carry their issue time in whole seconds: one minted in a later second than the deletion is let in.
        ZoneDeletions deletions = new ZoneDeletions(store, Clock.systemUTC());
        Instant deletedAt = deletions.deletedAt("zone-del").orElseThrow();
        Await.until("a second after the deletion", GlobalKdsTest.WAIT, () -> Instant.now().getEpochSecond() > deletedAt.getEpochSecond());
        zones.zone("zone-del", token("zone-del", "1h")).synced().get(10, TimeUnit.SECONDS);
        Await.until("zone-del's Zone created again", GlobalKdsTest.WAIT, () -> store.get(ResourceKey.of(ResourceTypes.ZONE, "", "zone-del")).toCompletableFuture().join().isPresent());
    }
}
