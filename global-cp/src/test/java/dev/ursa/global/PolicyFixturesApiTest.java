package dev.ursa.global;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Fixture;
import io.quarkus.test.junit.QuarkusTest;
import dev.ursa.cp.api.RestAssuredYaml;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every policy fixture of the supported types (mesh-core's test-jar) applies unchanged through the global's REST API. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyFixturesApiTest {
    @BeforeEach
    void meshExists() {
        RestAssuredYaml.enable();
        // mTLS on: fixtures of MeshTrafficPermission match clients by identity, which needs it (MeshTrafficPermissionMtlsTest).
        given().contentType("application/yaml").body("type: Mesh\nname: default\nmtls:\n  enabledBackend: ca-1\n  backends:\n"
                + "  - name: ca-1\n    type: builtin\n").put("/meshes/default");
    }

    Stream<Fixture> fixtures() {
        return ResourceTypes.policies().stream().flatMap(t -> PolicyFixtures.ofType(t.name()).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void appliesUnchanged(Fixture fixture) {
        String yaml = PolicyFixtures.read(fixture);
        var doc = PolicyFixtures.decode(yaml);
        ResourceType type = doc.type();
        String path = "/meshes/" + doc.meta().mesh() + "/" + type.plural() + "/" + doc.meta().name();
        var r = given().contentType("application/yaml").accept("application/json").body(yaml).put(path);
        if ("zone".equals(doc.meta().labels().get("kuma.io/origin"))) {
            // Written for a zone CP (Kuma's convention): true there (StandaloneZoneAdminApiTest), never at the global.
            assertThat(r.statusCode()).as("%s: %s", fixture, r.asString()).isEqualTo(400);
            assertThat(r.asString()).contains("labels[\\\"kuma.io/origin\\\"]");
            given().get(path).then().statusCode(404);
            return;
        }
        assertThat(r.statusCode()).as("%s: %s", fixture, r.asString()).isIn(200, 201);
        // Documents Ursa keeps but partly ignores say so (the warnings each fixture declares in its header): as RFC 9111
        // Warning headers, and as Kuma's reply-body list, which kumactl prints.
        List<String> declared = PolicyFixtures.declaredWarnings(yaml).stream().map(PolicyFixtures.Expected::field).toList();
        var headers = r.headers().getValues("Warning");
        assertThat(headers).as("Warning headers of %s", fixture).hasSameSizeAs(declared);
        headers.forEach(w -> assertThat(w).startsWith("299 ursa \"spec."));
        List<String> body = r.jsonPath().getList("warnings", String.class);
        if (declared.isEmpty()) {
            assertThat(r.jsonPath().getMap("$")).as("reply of %s", fixture).doesNotContainKey("warnings");
        } else {
            assertThat(body).as("warnings in the body of %s", fixture).hasSameSizeAs(declared)
                    .allSatisfy(w -> assertThat(declared).anySatisfy(field -> assertThat(w).startsWith(field + ": ")));
        }
        given().accept("application/json").get(path).then().statusCode(200);
    }
}
