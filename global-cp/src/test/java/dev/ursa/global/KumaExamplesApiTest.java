package dev.ursa.global;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.common.KumaExampleCorpus;
import io.quarkus.test.junit.QuarkusTest;
import dev.ursa.cp.api.RestAssuredYaml;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every Kuma documentation example of the supported policy types applies unchanged through the global's REST API. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KumaExamplesApiTest {
    @BeforeEach
    void meshExists() {
        RestAssuredYaml.enable();
        given().contentType("application/yaml").body("type: Mesh\nname: default\n").put("/meshes/default");
    }

    /** Kuma docs examples with fields Ursa keeps but does not apply (see MeshRetrySpec.Conf, MeshHTTPRouteSpec.Rule). */
    private static final Map<String, Integer> WARNINGS = Map.of(
            "backend-consumer-timeouts.yaml", 1, "backend-producer-timeouts.yaml", 3,
            "consumer-default.yaml", 1, "simple-http-2.yaml", 1);

    Stream<KumaExampleCorpus.Example> examples() {
        return ResourceTypes.policies().stream().flatMap(t -> KumaExampleCorpus.ofType(t.name()).stream())
                .filter(KumaExampleCorpus.Example::valid);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void appliesUnchanged(KumaExampleCorpus.Example example) {
        String yaml = KumaExampleCorpus.read(example.file());
        var doc = KumaExampleCorpus.decode(yaml);
        ResourceType type = doc.type();
        String path = "/meshes/" + doc.meta().mesh() + "/" + type.plural() + "/" + doc.meta().name();
        var r = given().contentType("application/yaml").body(yaml).put(path);
        assertThat(r.statusCode()).as("%s: %s", example, r.asString()).isIn(200, 201);
        // Documents Ursa keeps but partly ignores say so, as RFC 9111 Warning headers.
        var warnings = r.headers().getValues("Warning");
        assertThat(warnings).as("warnings of %s", example).hasSize(WARNINGS.getOrDefault(example.file().getFileName().toString(), 0));
        warnings.forEach(w -> assertThat(w).startsWith("299 ursa \"spec."));
        given().accept("application/json").get(path).then().statusCode(200);
    }
}
