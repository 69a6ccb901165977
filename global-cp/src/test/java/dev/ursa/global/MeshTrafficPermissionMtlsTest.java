package dev.ursa.global;

import dev.ursa.cp.api.RestAssuredYaml;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MeshTrafficPermission that matches clients by identity (a {@code from} kind other than Mesh, or SPIFFE ID
 * {@code rules}) is refused by the global in a mesh without mTLS, naming the field; {@code kind: Mesh} stays accepted.
 */
@QuarkusTest
class MeshTrafficPermissionMtlsTest {
    private static final String YAML = "application/yaml";
    private static final String PATH = "/meshes/mtp-m/meshtrafficpermissions/p1";

    @BeforeEach
    void meshWithoutMtls() {
        RestAssuredYaml.enable();
        given().delete("/meshes/mtp-m");
        given().contentType(YAML).body("type: Mesh\nname: mtp-m\n").put("/meshes/mtp-m").then().statusCode(201);
    }

    @Test
    void fromKindMeshIsAcceptedWithoutMtls() {
        given().contentType(YAML).body(mtp(FROM_MESH)).put(PATH).then().statusCode(201);
    }

    @Test
    void clientsByIdentityAreRefusedWithoutMtlsNamingEachItem() {
        Response r = given().contentType(YAML).body(mtp(FROM_MESH + FROM_SUBSET + FROM_SERVICE + FROM_SERVICE_SUBSET)).put(PATH);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        List<Map<String, String>> causes = r.jsonPath().getList("causes");
        assertThat(causes).extracting(c -> c.get("field"))
                .containsExactly("spec.from[1].targetRef.kind", "spec.from[2].targetRef.kind", "spec.from[3].targetRef.kind");
        assertThat(causes).allSatisfy(c -> assertThat(c.get("message")).contains("needs mTLS on mesh \"mtp-m\"", "mtls.enabledBackend"));
        given().get(PATH).then().statusCode(404);
    }

    @Test
    void spiffeIdRulesAreRefusedWithoutMtls() {
        Response r = given().contentType(YAML).body(mtp(RULES)).put(PATH);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        assertThat(r.jsonPath().getString("causes[0].field")).isEqualTo("spec.rules");
        assertThat(r.jsonPath().getList("causes")).hasSize(1);
    }

    @Test
    void backendsWithoutAnEnabledOneAreNotMtls() {
        given().contentType(YAML).body("type: Mesh\nname: mtp-m\nmtls:\n  backends:\n  - name: ca-1\n    type: builtin\n")
                .put("/meshes/mtp-m").then().statusCode(200);
        given().contentType(YAML).body(mtp(FROM_SUBSET)).put(PATH).then().statusCode(400);

        given().contentType(YAML).body("type: Mesh\nname: mtp-m\nmtls:\n  enabledBackend: ca-1\n  backends:\n  - name: ca-1\n    type: builtin\n")
                .put("/meshes/mtp-m").then().statusCode(200);
        given().contentType(YAML).body(mtp(FROM_SUBSET)).put(PATH).then().statusCode(201);
        given().contentType(YAML).body(mtp(RULES)).put(PATH).then().statusCode(200);
    }

    private static final String FROM_MESH = """
              - targetRef:
                  kind: Mesh
                default:
                  action: Deny
            """;
    private static final String FROM_SUBSET = """
              - targetRef:
                  kind: MeshSubset
                  tags:
                    kuma.io/zone: zone-1
                default:
                  action: Allow
            """;
    private static final String FROM_SERVICE = """
              - targetRef:
                  kind: MeshService
                  name: web
                default:
                  action: Allow
            """;
    private static final String FROM_SERVICE_SUBSET = """
              - targetRef:
                  kind: MeshServiceSubset
                  name: web
                  tags:
                    version: v2
                default:
                  action: Deny
            """;
    private static final String RULES = """
            RULES
              - default:
                  allow:
                  - spiffeID:
                      type: Prefix
                      value: spiffe://mtp-m/
            """;

    private static String mtp(String items) {
        String body = items.startsWith("RULES") ? "  rules:\n" + items.substring("RULES\n".length()) : "  from:\n" + items;
        return "type: MeshTrafficPermission\nmesh: mtp-m\nname: p1\nspec:\n  targetRef:\n    kind: Mesh\n" + body;
    }
}
