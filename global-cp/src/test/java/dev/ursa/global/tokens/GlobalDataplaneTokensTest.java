package dev.ursa.global.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.mesh.codec.Json;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The global issues dataplane tokens with its own dataplane key ring (the keys it publishes to zones as the TokenTrust
 * {@code dataplane-tokens}), revokes them into its revocation list, and rotates its key.
 */
@QuarkusTest
class GlobalDataplaneTokensTest {
    @Inject
    TokenKeys keys;

    @BeforeEach
    void setUp() {
        RestAssuredYaml.enable();
    }

    @Test
    void issuesRevokesAndRotatesWithItsOwnDataplaneRing() throws Exception {
        String token = given().contentType("application/json")
                .body("{\"name\":\"backend-1\",\"mesh\":\"default\",\"tags\":{\"kuma.io/service\":[\"backend\"]},\"type\":\"dataplane\",\"validFor\":\"24h\"}")
                .post("/tokens/dataplane").then().statusCode(200).extract().asString();
        JwtClaims claims = keys.ring(TokenKind.DATAPLANE).publicKeys().verify(token, TokenKind.DATAPLANE, keys.clock());
        assertThat(claims.getClaimValue("mesh")).isEqualTo("default");
        assertThat(claims.getClaimValue("tags")).isEqualTo(Map.of("kuma.io/service", List.of("backend")));

        given().contentType("application/json").body("{\"token\":\"" + token + "\"}").post("/tokens/dataplane/revocations").then().statusCode(204);
        assertThat(keys.revocations(TokenKind.DATAPLANE).revoked(claims.getJwtId())).isTrue();

        String kid = given().post("/tokens/dataplane/signing-keys/_rotate").then().statusCode(200).extract().jsonPath().getString("kid");
        assertThat(keys.ring(TokenKind.DATAPLANE).ring().current().kid()).isEqualTo(kid);

        var bad = given().contentType("application/json").body("{\"name\":\"backend-1\"}").post("/tokens/dataplane");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode body = Json.JSON.readTree(bad.asByteArray());
        assertThat(body.get("causes").get(0).get("field").asText()).isEqualTo("mesh");
        assertThat(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8)).contains("\"kid\"");
    }
}
