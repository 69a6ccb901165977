package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.testsupport.Await;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.codec.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zone's {@code _config} and {@code _policies} in both formats: JSON by default, YAML with
 * {@code Accept: application/yaml}, the same document either way (what the global passes through for zone dataplanes);
 * a dataplane the zone does not know is a 404 in the asked format.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class DataplaneInspectionFormatsTest {
    static final String MESH = "inspect-formats";
    static final String DP = "/meshes/" + MESH + "/dataplanes/";

    @BeforeEach
    void dataplane() {
        RestAssuredYaml.enable();
        given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH);
        given().contentType("application/yaml").body("""
                type: Dataplane
                mesh: %s
                name: fmt-1
                networking:
                  address: 10.0.0.3
                  inbound:
                    - port: 8080
                      tags: {kuma.io/service: fmt, kuma.io/protocol: http}
                """.formatted(MESH)).put(DP + "fmt-1").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        // the zone's xDS view takes the new Dataplane in asynchronously: _config answers 404 until then
        Await.until("fmt-1 in the zone's view", Duration.ofSeconds(30), () -> given().get(DP + "fmt-1/_config").statusCode() == 200);
    }

    @Test
    void jsonByDefaultAndYamlWhenAskedWithTheSameContent() throws Exception {
        for (String sub : new String[] {"_config", "_policies"}) {
            var json = given().get(DP + "fmt-1/" + sub).then().statusCode(200).contentType("application/json").extract().asString();
            var yaml = given().accept("application/yaml").get(DP + "fmt-1/" + sub).then().statusCode(200).contentType("application/yaml")
                    .extract().asString();
            JsonNode fromJson = Json.JSON.readTree(json);
            assertThat(Json.YAML.readTree(yaml)).as(sub).isEqualTo(fromJson);
            assertThat(fromJson.isObject() && !fromJson.isEmpty()).as(sub).isTrue();
        }
        var missing = given().accept("application/yaml").get(DP + "nope/_config").then().statusCode(404).contentType("application/yaml")
                .extract().asString();
        assertThat(Json.YAML.readTree(missing).path("detail").asText()).contains("no Dataplane \"nope\" in mesh \"" + MESH + "\"");
    }
}
