package dev.ursa.global.auth;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.api.auth.AdminTokenFile;
import dev.ursa.cp.testing.JwtText;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ursa.api.admin-token-file}: an admin token written for the operator, kept while valid, replaced otherwise. */
@QuarkusTest
class AdminTokenFileTest {
    @Inject
    AdminTokenFile adminTokenFile;

    @BeforeAll
    static void rest() {
        RestAssuredYaml.enable();
    }

    @Test
    void writesAnAdminTokenOnlyItsOwnerReadsKeepsItWhileValidAndReplacesItOtherwise() throws Exception {
        Path file = Path.of("target/admin-token-file-test/" + System.nanoTime() + "/admin.token").toAbsolutePath();
        adminTokenFile.ensure(file);
        String token = Files.readString(file).strip();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        var who = given().header("Authorization", "Bearer " + token).get("/who-am-i").then().statusCode(200).extract().jsonPath();
        assertThat(who.getString("name")).isEqualTo("mesh-system:bootstrap-admin");
        assertThat(who.getList("groups")).containsExactly("mesh-system:admin");

        adminTokenFile.ensure(file);
        assertThat(Files.readString(file).strip()).as("a valid admin token is kept").isEqualTo(token);

        given().contentType("application/json").body("{\"id\":\"" + JwtText.claims(token).path("jti").asText() + "\"}")
                .post("/tokens/user/revocations").then().statusCode(204);
        adminTokenFile.ensure(file);
        String replaced = Files.readString(file).strip();
        assertThat(replaced).as("a revoked token is replaced").isNotEqualTo(token);
        given().header("Authorization", "Bearer " + replaced).get("/who-am-i").then().statusCode(200);

        Files.writeString(file, "garbage\n");
        adminTokenFile.ensure(file);
        String again = Files.readString(file).strip();
        assertThat(again).startsWith("eyJ");
        given().header("Authorization", "Bearer " + again).get("/who-am-i").then().statusCode(200);
    }
}
