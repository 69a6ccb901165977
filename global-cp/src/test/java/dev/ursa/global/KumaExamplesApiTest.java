package dev.ursa.global;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.common.KumaExampleFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every Kuma documentation example of the supported policy types applies unchanged through the global's REST API. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KumaExamplesApiTest {
    @BeforeAll
    void meshExists() {
        RestAssured.config = RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs("application/yaml", ContentType.TEXT).appendDefaultContentCharsetToContentTypeIfUndefined(false));
        given().contentType("application/yaml").body("type: Mesh\nname: default\n").put("/meshes/default");
    }

    Stream<KumaExampleFiles.Example> examples() {
        return ResourceTypes.policies().stream().flatMap(t -> KumaExampleFiles.ofType(t.name()).stream())
                .filter(KumaExampleFiles.Example::valid);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void appliesUnchanged(KumaExampleFiles.Example example) {
        String yaml = KumaExampleFiles.read(example.file());
        var doc = KumaExampleFiles.decode(yaml);
        ResourceType type = doc.type();
        String path = "/meshes/" + doc.meta().mesh() + "/" + type.plural() + "/" + doc.meta().name();
        var r = given().contentType("application/yaml").body(yaml).put(path);
        assertThat(r.statusCode()).as("%s: %s", example, r.asString()).isIn(200, 201);
        given().accept("application/json").get(path).then().statusCode(200);
    }
}
