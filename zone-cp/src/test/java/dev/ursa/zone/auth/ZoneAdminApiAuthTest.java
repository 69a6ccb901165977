package dev.ursa.zone.auth;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import dev.ursa.cp.auth.KeyRing;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.cp.diagnostics.DiagnosticsServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.hamcrest.Matcher;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;

/**
 * A zone CP mints and checks user tokens with its own keys, the same rules as the global: a token signed by any other
 * control plane (e.g. the global) is not valid here.
 */
@QuarkusTest
class ZoneAdminApiAuthTest {
    static final String DATAPLANE = """
            type: Dataplane
            mesh: default
            name: dp-auth
            networking:
              address: 127.0.0.1
              inbound:
              - port: 9000
                tags:
                  kuma.io/service: backend
            """;

    @Inject
    DiagnosticsServer diagnostics;

    @BeforeAll
    static void rest() {
        RestAssuredYaml.enable();
    }

    static String mint(String name, String group) {
        return given().contentType("application/json").body("{\"name\":\"" + name + "\",\"groups\":[\"" + group + "\"],\"validFor\":\"1h\"}")
                .post("/tokens/user").then().statusCode(200).extract().asString();
    }

    @Test
    void theZoneMintsUserTokensAndAppliesTheGroups() {
        given().contentType("application/yaml").body("type: Mesh\nname: default\n").put("/meshes/default").then().statusCode(anyOf2xx());
        String admin = mint("zone-admin", "mesh-system:admin");
        String readonly = mint("zone-viewer", "mesh-system:readonly");
        assertThat(given().header("Authorization", "Bearer " + admin).get("/who-am-i").jsonPath().getString("name")).isEqualTo("zone-admin");

        given().header("Authorization", "Bearer " + admin).contentType("application/yaml").body(DATAPLANE)
                .put("/meshes/default/dataplanes/dp-auth").then().statusCode(anyOf2xx());
        given().header("Authorization", "Bearer " + readonly).get("/meshes/default/dataplanes/dp-auth").then().statusCode(200);
        // the zone's xDS view takes the new Dataplane in asynchronously: _config answers 404 until then
        Await.until("dp-auth's _config readable with a read-only token", Duration.ofSeconds(30), () ->
                given().header("Authorization", "Bearer " + readonly).get("/meshes/default/dataplanes/dp-auth/_config").statusCode() == 200);
        given().header("Authorization", "Bearer " + readonly).delete("/meshes/default/dataplanes/dp-auth").then().statusCode(403);
        given().get("/meshes/default/dataplanes/dp-auth").then().statusCode(200);
        given().header("Authorization", "Bearer " + readonly).contentType("application/json")
                .body("{\"name\":\"x\",\"groups\":[\"mesh-system:admin\"]}").post("/tokens/user").then().statusCode(403);
        given().header("Authorization", "Bearer " + admin).delete("/meshes/default/dataplanes/dp-auth").then().statusCode(200);
    }

    @Test
    void aUserTokenOfAnotherControlPlaneIsNotValidHere() {
        JwtClaims claims = TokenKind.USER.newClaims("global-admin", Instant.now(), Duration.ofHours(1));
        claims.setStringListClaim("groups", List.of("mesh-system:admin"));
        String globals = KeyRing.generate(Instant.now()).sign(claims);
        Response r = given().header("Authorization", "Bearer " + globals).get("/meshes");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.jsonPath().getString("details")).contains("signature is not valid");
    }

    @Test
    void theZoneHasADiagnosticsPortToo() {
        given().baseUri("http://127.0.0.1").port(diagnostics.port()).get("/q/health/ready").then().statusCode(200);
        given().baseUri("http://127.0.0.1").port(diagnostics.port()).put("/q/health/ready").then().statusCode(405);
    }

    private static Matcher<Integer> anyOf2xx() {
        return both(greaterThanOrEqualTo(200)).and(lessThan(300));
    }
}
