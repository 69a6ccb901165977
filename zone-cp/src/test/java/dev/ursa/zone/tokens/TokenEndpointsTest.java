package dev.ursa.zone.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.codec.Json;
import io.restassured.response.Response;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.quarkus.test.junit.QuarkusTest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The zone CP's token endpoints: {@code /tokens/dataplane} (Kuma's body; 400 naming the field for bad input; rotation;
 * revocation by id or token) and {@code /tokens/zone} (ingress tokens of this zone only).
 */
@QuarkusTest
class TokenEndpointsTest {
    @BeforeEach
    void setUp() {
        RestAssuredYaml.enable();
    }

    static Response post(String path, String body) {
        return given().contentType("application/json").body(body).post(path);
    }

    static JwtClaims claims(String token) throws Exception {
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        return JwtClaims.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    static String kid(String token) throws Exception {
        return Json.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0])).get("kid").asText();
    }

    /** The field a 400 names (the first cause). */
    static String badField(Response r) throws Exception {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        JsonNode body = Json.JSON.readTree(r.asByteArray());
        return body.get("causes").get(0).get("field").asText();
    }

    @Test
    void aDataplaneTokenCarriesKumasClaims() throws Exception {
        Response r = post("/tokens/dataplane", "{\"name\":\"backend-1\",\"mesh\":\"default\",\"tags\":{\"kuma.io/service\":[\"backend\"]},"
                + "\"type\":\"dataplane\",\"validFor\":\"24h\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain");
        JwtClaims c = claims(r.asString());
        assertThat(c.getIssuer()).isEqualTo("ursa");
        assertThat(c.getClaimValue("kind")).isEqualTo("dataplane");
        assertThat(c.getSubject()).isEqualTo("backend-1");
        assertThat(c.getClaimValue("mesh")).isEqualTo("default");
        assertThat(c.getClaimValue("name")).isEqualTo("backend-1");
        assertThat(c.getClaimValue("type")).isEqualTo("dataplane");
        assertThat(c.getClaimValue("tags")).isEqualTo(Map.of("kuma.io/service", List.of("backend")));
        assertThat(c.getJwtId()).hasSize(36);
        assertThat(Instant.ofEpochSecond(c.getExpirationTime().getValue())).isCloseTo(Instant.now().plus(Duration.ofHours(24)), within(Duration.ofMinutes(1)));

        JwtClaims meshWide = claims(post("/tokens/dataplane", "{\"mesh\":\"default\"}").then().statusCode(200).extract().asString());
        assertThat(meshWide.hasClaim("name")).isFalse();
        assertThat(meshWide.hasClaim("tags")).isFalse();
        assertThat(meshWide.getSubject()).isEmpty();
    }

    @Test
    void badDataplaneTokenRequestsAre400NamingTheField() throws Exception {
        assertThat(badField(post("/tokens/dataplane", "{}"))).isEqualTo("mesh");
        assertThat(badField(post("/tokens/dataplane", "[]"))).isEqualTo("mesh");
        assertThat(badField(post("/tokens/dataplane", "not json"))).as("the body itself (the API's usual parse error)").isEmpty();
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"Bad_Mesh\"}"))).isEqualTo("mesh");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":5}"))).isEqualTo("mesh");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"name\":\"a b\"}"))).isEqualTo("name");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"type\":\"ingress\"}"))).isEqualTo("type");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"validFor\":\"soon\"}"))).isEqualTo("validFor");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"validFor\":\"-1h\"}"))).isEqualTo("validFor");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"validFor\":\"87601h\"}"))).isEqualTo("validFor");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"tags\":[\"backend\"]}"))).isEqualTo("tags");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"tags\":{\"kuma.io/service\":\"backend\"}}")))
                .isEqualTo("tags[\"kuma.io/service\"]");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"tags\":{\"kuma.io/service\":[]}}")))
                .isEqualTo("tags[\"kuma.io/service\"]");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"tags\":{\"kuma.io/service\":[\"a b\"]}}")))
                .isEqualTo("tags[\"kuma.io/service\"][0]");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"tag\":{\"kuma.io/service\":[\"backend\"]}}"))).isEqualTo("tag");
        assertThat(badField(post("/tokens/dataplane", "{\"mesh\":\"default\",\"workload\":\"backend\"}"))).isEqualTo("workload");
        assertThat(post("/tokens/dataplane", "{\"mesh\":\"default\",\"validFor\":\"87600h\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void rotationKeepsOldTokensValidAndRevocationTakesIdsOrTokens() throws Exception {
        String before = post("/tokens/dataplane", "{\"mesh\":\"default\"}").then().statusCode(200).extract().asString();
        Response rotated = given().post("/tokens/dataplane/signing-keys/_rotate");
        assertThat(rotated.statusCode()).isEqualTo(200);
        String kid = Json.JSON.readTree(rotated.asByteArray()).get("kid").asText();
        assertThat(kid).isNotEqualTo(kid(before));
        String after = post("/tokens/dataplane", "{\"mesh\":\"default\"}").then().statusCode(200).extract().asString();
        assertThat(kid(after)).isEqualTo(kid);
        // The old token still verifies: it can be revoked by presenting it.
        post("/tokens/dataplane/revocations", "{\"token\":\"" + before + "\"}").then().statusCode(204);
        post("/tokens/dataplane/revocations", "{\"id\":\"" + claims(after).getJwtId() + "\"}").then().statusCode(204);

        assertThat(badField(post("/tokens/dataplane/revocations", "{}"))).isEqualTo("id");
        assertThat(badField(post("/tokens/dataplane/revocations", "{\"id\":\"everything\"}"))).isEqualTo("id");
        String forged = before.substring(0, before.lastIndexOf('.') + 1) + "AAAA";
        Response refused = post("/tokens/dataplane/revocations", "{\"token\":\"" + forged + "\"}");
        assertThat(badField(refused)).isEqualTo("token");
        assertThat(refused.asString()).as("a token never appears in an error body").doesNotContain(forged).doesNotContain(before.split("\\.")[1]);
    }

    @Test
    void aZoneCpIssuesIngressTokensForItsOwnZoneOnly() throws Exception {
        JwtClaims c = claims(post("/tokens/zone", "{\"zone\":\"test-zone\",\"scope\":[\"ingress\"],\"validFor\":\"1h\"}")
                .then().statusCode(200).extract().asString());
        assertThat(c.getClaimValue("kind")).isEqualTo("zone");
        assertThat(c.getClaimValue("zone")).isEqualTo("test-zone");
        assertThat(c.getClaimValue("scope")).isEqualTo(List.of("ingress"));
        assertThat(claims(post("/tokens/zone", "{}").then().statusCode(200).extract().asString()).getClaimValue("scope")).isEqualTo(List.of("ingress"));
        assertThat(badField(post("/tokens/zone", "{\"zone\":\"zone-2\"}"))).isEqualTo("zone");
        assertThat(badField(post("/tokens/zone", "{\"scope\":[\"cp\"]}"))).isEqualTo("scope");
        assertThat(badField(post("/tokens/zone", "{\"validFor\":\"forever\"}"))).isEqualTo("validFor");
        assertThat(badField(post("/tokens/zone", "{\"zones\":\"test-zone\"}"))).isEqualTo("zones");
        assertThat(given().post("/tokens/zone/signing-keys/_rotate").then().statusCode(200).extract().jsonPath().getString("kid")).isNotBlank();
        post("/tokens/zone/revocations", "{\"id\":\"" + c.getJwtId() + "\"}").then().statusCode(204);
    }
}
