package dev.ursa.global.auth;

import dev.ursa.global.ReadyGlobal;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.auth.KeyRing;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.testing.JwtText;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication and authorisation of the global's admin API from loopback: a sent token always decides (loopback
 * only makes a request without credentials admin). Every refused write leaves the store as it was.
 */
@QuarkusTest
class AdminApiAuthTest {
    static final String MESH_YAML = "type: Mesh\nname: %s\n";

    @Inject
    TokenKeys keys;

    @BeforeAll
    static void rest() {
        RestAssuredYaml.enable();
    }

    static String mint(String name, String groups, String validFor) {
        return given().contentType("application/json")
                .body("{\"name\":\"" + name + "\",\"groups\":" + groups + (validFor == null ? "" : ",\"validFor\":\"" + validFor + "\"") + "}")
                .post("/tokens/user").then().statusCode(200).contentType("text/plain").extract().asString();
    }

    static String admin() {
        return mint("alice", "[\"mesh-system:admin\"]", "1h");
    }

    static String readonly() {
        return mint("bob", "[\"mesh-system:readonly\"]", "1h");
    }

    static Response as(String token) {
        return given().header("Authorization", "Bearer " + token).get("/who-am-i");
    }

    static void assertUnauthenticated(Response r, String reason) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(r.jsonPath().getString("title")).isEqualTo("Unauthenticated");
        assertThat(r.jsonPath().getString("details")).contains(reason);
    }

    @Test
    void loopbackWithoutCredentialsIsTheLocalAdmin() {
        Response r = given().get("/who-am-i").then().statusCode(200).extract().response();
        assertThat(r.jsonPath().getString("name")).isEqualTo("mesh-system:localhost");
        assertThat(r.jsonPath().getList("groups")).containsExactly("mesh-system:admin");
    }

    @Test
    void aMintedTokenAuthenticatesItsNameAndGroupsAndCarriesTheUserClaims() {
        String token = admin();
        Response r = as(token).then().statusCode(200).extract().response();
        assertThat(r.jsonPath().getString("name")).isEqualTo("alice");
        assertThat(r.jsonPath().getList("groups")).containsExactly("mesh-system:admin");
        var claims = JwtText.claims(token);
        assertThat(claims.path("kind").asText()).isEqualTo("user");
        assertThat(claims.path("sub").asText()).isEqualTo("alice");
        assertThat(claims.path("iss").asText()).isEqualTo("ursa");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);
        assertThat(JwtText.header(token).path("kid").asText()).isEqualTo(keys.ring(TokenKind.USER).ring().current().kid());
    }

    @Test
    void anAdminTokenWritesWithItsBody() {
        String token = admin();
        given().header("Authorization", "Bearer " + token).contentType("application/yaml").body(MESH_YAML.formatted("by-alice"))
                .put("/meshes/by-alice").then().statusCode(201);
        given().get("/meshes/by-alice").then().statusCode(200);
        given().header("Authorization", "Bearer " + token).delete("/meshes/by-alice").then().statusCode(200);
    }

    @Test
    void aReadonlyTokenReadsButNeverWritesNorMintsAndItsRefusedWriteChangesNothing() {
        String token = readonly();
        given().header("Authorization", "Bearer " + token).get("/meshes").then().statusCode(200);
        given().header("Authorization", "Bearer " + token).get("/q/metrics").then().statusCode(200);
        given().contentType("application/yaml").body(MESH_YAML.formatted("kept")).put("/meshes/kept").then().statusCode(201);
        String before = given().accept("application/json").get("/meshes/kept").then().statusCode(200).extract().asString();

        Response put = given().header("Authorization", "Bearer " + token).contentType("application/yaml")
                .body("type: Mesh\nname: kept\nlabels:\n  changed: yes\n").put("/meshes/kept");
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(put.jsonPath().getString("title")).isEqualTo("Access denied");
        assertThat(put.jsonPath().getString("details")).contains("bob", "mesh-system:readonly", "PUT /meshes/kept", "mesh-system:admin");
        given().header("Authorization", "Bearer " + token).delete("/meshes/kept").then().statusCode(403);
        given().header("Authorization", "Bearer " + token).contentType("application/yaml").body(MESH_YAML.formatted("new-one"))
                .put("/meshes/new-one").then().statusCode(403);
        assertThat(given().accept("application/json").get("/meshes/kept").then().statusCode(200).extract().asString()).isEqualTo(before);
        given().get("/meshes/new-one").then().statusCode(404);

        given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"name\":\"eve\",\"groups\":[\"mesh-system:admin\"]}").post("/tokens/user").then().statusCode(403);
        given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"zone\":\"zone-9\"}").post("/tokens/zone").then().statusCode(403);
        given().header("Authorization", "Bearer " + token).post("/tokens/user/signing-keys/_rotate").then().statusCode(403);
        given().header("Authorization", "Bearer " + token).get("/tokens/user").then().statusCode(403);
        given().header("Authorization", "Bearer " + token).get("/kds/ca.pem").then().statusCode(403);
        given().delete("/meshes/kept").then().statusCode(200);
    }

    @Test
    void aMalformedHeaderOrTokenIsUnauthenticatedEvenFromLoopback() {
        assertUnauthenticated(given().header("Authorization", "Basic YWRtaW46YWRtaW4=").get("/meshes"), "is not \"Bearer <user token>\"");
        assertUnauthenticated(given().header("Authorization", "Bearer").get("/meshes"), "is not \"Bearer <user token>\"");
        assertUnauthenticated(given().header("Authorization", "Bearer not-a-jwt").get("/meshes"), "user token is malformed");
        assertThat(given().header("Authorization", "Bearer x").get("/meshes").header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        Response yaml = given().accept("application/yaml").header("Authorization", "Bearer not-a-jwt").get("/meshes");
        assertThat(yaml.statusCode()).isEqualTo(401);
        assertThat(yaml.contentType()).startsWith("application/yaml");
        assertThat(yaml.asString()).contains("title: Unauthenticated").doesNotContain("not-a-jwt");
    }

    @Test
    void aTokenWithForgedClaimsHasAnInvalidSignature() {
        String forged = JwtText.withClaims(readonly(), c -> ((ArrayNode) c.putArray("groups")).add("mesh-system:admin"));
        assertUnauthenticated(given().header("Authorization", "Bearer " + forged).contentType("application/yaml")
                .body(MESH_YAML.formatted("forged")).put("/meshes/forged"), "signature is not valid");
        given().get("/meshes/forged").then().statusCode(404);
    }

    @Test
    void aTokenOfAnotherControlPlaneOrAnotherKindIsRefused() {
        JwtClaims claims = TokenKind.USER.newClaims("mallory", Instant.now(), Duration.ofHours(1));
        claims.setStringListClaim("groups", List.of("mesh-system:admin"));
        String otherGlobals = KeyRing.generate(Instant.now()).sign(claims);
        assertUnauthenticated(as(otherGlobals), "signature is not valid");

        JwtClaims dp = TokenKind.DATAPLANE.newClaims("backend-1", Instant.now(), Duration.ofHours(1));
        dp.setStringListClaim("groups", List.of("mesh-system:admin"));
        assertUnauthenticated(as(keys.ring(TokenKind.DATAPLANE).sign(dp)), "user token");
    }

    @Test
    void anExpiredTokenIsRefused() {
        JwtClaims claims = TokenKind.USER.newClaims("alice", Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1));
        claims.setStringListClaim("groups", List.of("mesh-system:admin"));
        claims.setExpirationTime(NumericDate.fromMilliseconds(Instant.now().minus(Duration.ofMinutes(5)).toEpochMilli()));
        assertUnauthenticated(as(keys.ring(TokenKind.USER).sign(claims)), "user token expired");
    }

    @Test
    void aRevokedTokenIsRefusedByIdOrByToken() {
        String byId = admin();
        as(byId).then().statusCode(200);
        given().contentType("application/json").body("{\"id\":\"" + JwtText.claims(byId).path("jti").asText() + "\"}")
                .post("/tokens/user/revocations").then().statusCode(204);
        assertUnauthenticated(as(byId), "user token revoked");

        String byToken = readonly();
        given().contentType("application/json").body("{\"token\":\"" + byToken + "\"}").post("/tokens/user/revocations").then().statusCode(204);
        assertUnauthenticated(as(byToken), "user token revoked");
    }

    @Test
    void healthProbesNeedNoCredentialsAndIgnoreAnyThatAreSent() {
        ReadyGlobal.await();
        given().header("Authorization", "Bearer not-a-jwt").get("/q/health/ready").then().statusCode(200);
        given().header("Authorization", "Bearer not-a-jwt").get("/q/health/live").then().statusCode(200);
        assertUnauthenticated(given().header("Authorization", "Bearer not-a-jwt").get("/q/metrics"), "malformed");
    }

    @Test
    void rotationSignsNewTokensWithANewKeyAndOldTokensStayValid() {
        String old = admin();
        String oldKid = JwtText.header(old).path("kid").asText();
        String kid = given().post("/tokens/user/signing-keys/_rotate").then().statusCode(200).extract().jsonPath().getString("kid");
        assertThat(kid).isNotBlank().isNotEqualTo(oldKid);
        String fresh = admin();
        assertThat(JwtText.header(fresh).path("kid").asText()).isEqualTo(kid);
        as(old).then().statusCode(200);
        as(fresh).then().statusCode(200);
    }

    @Test
    void badTokenRequestsNameTheField() {
        badRequest("{\"groups\":[\"mesh-system:admin\"]}", "name");
        badRequest("{\"name\":\"has space\",\"groups\":[\"mesh-system:admin\"]}", "name");
        badRequest("{\"name\":\"mesh-system:admin\",\"groups\":[\"mesh-system:admin\"]}", "name");
        badRequest("{\"name\":\"alice\"}", "groups");
        badRequest("{\"name\":\"alice\",\"groups\":[]}", "groups");
        badRequest("{\"name\":\"alice\",\"groups\":[\"mesh-system:readonly\",\"wheel\"]}", "groups[1]");
        badRequest("{\"name\":\"alice\",\"groups\":[\"mesh-system:admin\"],\"validFor\":\"soon\"}", "validFor");
        badRequest("{\"name\":\"alice\",\"groups\":[\"mesh-system:admin\"],\"validFor\":\"-1h\"}", "validFor");
        badRequest("{\"name\":\"alice\",\"groups\":[\"mesh-system:admin\"],\"validFor\":\"87601h\"}", "validFor");
        badRequest("{\"name\":\"alice\",\"groups\":[\"mesh-system:admin\"],\"validFor\":24}", "validFor");
        given().contentType("application/json").body("[]").post("/tokens/user").then().statusCode(400);
        given().contentType("application/json").body("{").post("/tokens/user").then().statusCode(400);
        given().contentType("application/json").body("{\"id\":\"not-a-uuid\"}").post("/tokens/user/revocations").then().statusCode(400);
        Response noId = given().contentType("application/json").body("{}").post("/tokens/user/revocations");
        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(noId.jsonPath().getString("causes[0].field")).isEqualTo("id");
        Response zone = given().contentType("application/json").body("{\"zone\":\"zone-1\",\"validFor\":\"87601h\"}").post("/tokens/zone");
        assertThat(zone.statusCode()).isEqualTo(400);
        assertThat(zone.jsonPath().getString("causes[0].field")).isEqualTo("validFor");
    }

    @Test
    void aTokenWithoutValidForGetsTheDefaultDay() {
        String token = mint("carol", "[\"mesh-system:readonly\"]", null);
        var claims = JwtText.claims(token);
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(Duration.ofHours(24).toSeconds());
    }

    private static void badRequest(String body, String field) {
        Response r = given().contentType("application/json").body(body).post("/tokens/user");
        assertThat(r.statusCode()).as(body + " -> " + r.asString()).isEqualTo(400);
        assertThat(r.jsonPath().getList("causes.field")).as(body).contains(field);
    }
}
