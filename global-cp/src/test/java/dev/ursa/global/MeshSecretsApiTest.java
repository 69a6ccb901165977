package dev.ursa.global;

import dev.ursa.cp.api.RestAssuredYaml;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mesh Secrets over the global's REST API: an admin writes and reads them in clear; a readonly user reads them with
 * {@code data} redacted and cannot write them; a Secret a CA backend uses cannot be deleted (Kuma's rule).
 */
@QuarkusTest
class MeshSecretsApiTest {
    private static final String YAML = "application/yaml";
    private static final String DATA = "c3VwZXItc2VjcmV0LXZhbHVl"; // "super-secret-value"
    private static final String PATH = "/meshes/sec-m/secrets/s1";

    @BeforeEach
    void fresh() {
        RestAssuredYaml.enable();
        given().delete("/meshes/sec-m");
        given().contentType(YAML).body("type: Mesh\nname: sec-m\n").put("/meshes/sec-m").then().statusCode(201);
    }

    @Test
    void adminRoundTrip() {
        given().contentType(YAML).body(secret("s1", DATA)).put(PATH).then().statusCode(201);
        Response got = given().accept("application/json").get(PATH);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.jsonPath().getString("type")).isEqualTo("Secret");
        assertThat(got.jsonPath().getString("mesh")).isEqualTo("sec-m");
        assertThat(got.jsonPath().getString("data")).isEqualTo(DATA);
        assertThat(given().accept(YAML).get(PATH).asString()).contains("data: " + DATA);
        assertThat(given().accept("application/json").get("/meshes/sec-m/secrets").jsonPath().getString("items[0].data")).isEqualTo(DATA);
        given().contentType(YAML).body(secret("s1", "b3RoZXI=")).put(PATH).then().statusCode(200);
        given().delete(PATH).then().statusCode(200);
        given().get(PATH).then().statusCode(404);
    }

    @Test
    void badDataIsRefusedNamingTheField() {
        Response r = given().contentType(YAML).body(secret("s1", "'not base64!'")).put(PATH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("causes[0].field")).isEqualTo("data");
        assertThat(r.asString()).doesNotContain("not base64!");
        Response empty = given().contentType(YAML).body("type: Secret\nmesh: sec-m\nname: s1\n").put(PATH);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.jsonPath().getString("causes[0].message")).isEqualTo("cannot be empty");
    }

    @Test
    void aReadonlyUserReadsSecretsRedactedAndCannotWriteThem() {
        given().contentType(YAML).body(secret("s1", DATA)).put(PATH).then().statusCode(201);
        String token = given().contentType("application/json").body("{\"name\":\"viewer\",\"groups\":[\"mesh-system:readonly\"],\"validFor\":\"1h\"}")
                .post("/tokens/user").then().statusCode(200).extract().asString();

        Response one = given().header("Authorization", "Bearer " + token).accept("application/json").get(PATH);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.jsonPath().getString("name")).isEqualTo("s1");
        assertThat(one.jsonPath().getString("data")).isEqualTo("***");
        assertThat(one.asString()).doesNotContain(DATA);
        for (String list : new String[]{"/meshes/sec-m/secrets", "/secrets"}) {
            Response all = given().header("Authorization", "Bearer " + token).accept(YAML).get(list);
            assertThat(all.statusCode()).as(list).isEqualTo(200);
            assertThat(all.asString()).as(list).contains("s1").contains("data: '***'").doesNotContain(DATA);
        }

        Response put = given().header("Authorization", "Bearer " + token).contentType(YAML).body(secret("s1", "b3RoZXI=")).put(PATH);
        assertThat(put.statusCode()).isEqualTo(403);
        given().header("Authorization", "Bearer " + token).delete(PATH).then().statusCode(403);
        assertThat(given().accept("application/json").get(PATH).jsonPath().getString("data")).as("unchanged").isEqualTo(DATA);
    }

    @Test
    void aSecretInUseByACaBackendIsNotDeleted() {
        given().contentType(YAML).body(secret("s1", DATA)).put(PATH).then().statusCode(201);
        given().contentType(YAML).body("type: Mesh\nname: sec-m\nmtls:\n  skipValidation: true\n  backends:\n  - name: ca-p\n    type: provided\n"
                + "    conf:\n      cert:\n        secret: s1\n      key:\n        secret: s1\n").put("/meshes/sec-m").then().statusCode(200);
        Response r = given().accept("application/json").delete(PATH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("causes[0].field")).isEqualTo("name");
        assertThat(r.jsonPath().getString("causes[0].message")).isEqualTo("The secret \"s1\" that you are trying to remove is currently in use in Mesh "
                + "\"sec-m\" in mTLS backend \"ca-p\". Please remove the reference from the \"ca-p\" backend before removing the secret.");
        given().get(PATH).then().statusCode(200);
        given().contentType(YAML).body("type: Mesh\nname: sec-m\n").put("/meshes/sec-m").then().statusCode(200);
        given().delete(PATH).then().statusCode(200);
    }

    private static String secret(String name, String data) {
        return "type: Secret\nmesh: sec-m\nname: " + name + "\ndata: " + data + "\n";
    }
}
