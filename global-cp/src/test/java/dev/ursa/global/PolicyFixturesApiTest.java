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

import java.util.Map;
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

    /**
     * Fixtures with fields Ursa keeps but does not apply or reads differently (see MeshRetrySpec.Conf,
     * MeshHTTPRouteSpec.Rule, TargetRefRules' MeshService without name): the number of Warning headers each gets.
     */
    private static final Map<String, Integer> WARNINGS = Map.ofEntries(
            Map.entry("unscoped-no-retries.yaml", 1), Map.entry("unscoped-retries-with-backoff.yaml", 3),
            Map.entry("every-service-unnamed.yaml", 1), Map.entry("path-beside-matches.yaml", 1),
            // MeshHTTPRoute redirect, rewrite and mirror filters: accepted, not applied yet, and said so
            Map.entry("backend-kinds.yaml", 1), Map.entry("mirror-flagged-requests.yaml", 1), Map.entry("gateway-https-redirect.yaml", 1),
            Map.entry("gateway-prefix-rewrite.yaml", 1), Map.entry("method-query-regex-matches.yaml", 1),
            // MeshPassthrough: accepted, no effect in either flavour yet, and said so
            Map.entry("all-for-dataplane.yaml", 1), Map.entry("allow-matched.yaml", 1), Map.entry("disable-for-subset.yaml", 1),
            Map.entry("mysql-and-ipv6.yaml", 1),

            // MeshAccessLog: Kuma's docs write backends and formats without type (read from the one given, warned);
            // a backendRef Ursa cannot resolve. MeshMetric: every policy is accepted and said not applied yet.
            Map.entry("MeshAccessLog/all-inbounds.yaml", 2), Map.entry("MeshAccessLog/example-inbound.yaml", 2),
            Map.entry("MeshAccessLog/example-outbound.yaml", 2), Map.entry("MeshAccessLog/example.yaml", 4),
            Map.entry("MeshAccessLog/only-backend-api-inbound.yaml", 2), Map.entry("MeshAccessLog/otel-backend-ref-and-tcp-json.yaml", 1),
            Map.entry("MeshMetric/app-metrics-gateway.yaml", 1), Map.entry("MeshMetric/full-spec.yaml", 1),
            Map.entry("MeshMetric/otel-refresh.yaml", 1), Map.entry("MeshMetric/prometheus-mesh-wide.yaml", 1));

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
        var r = given().contentType("application/yaml").body(yaml).put(path);
        if ("zone".equals(doc.meta().labels().get("kuma.io/origin"))) {
            // Written for a zone CP (Kuma's convention): true there (StandaloneZoneAdminApiTest), never at the global.
            assertThat(r.statusCode()).as("%s: %s", fixture, r.asString()).isEqualTo(400);
            assertThat(r.asString()).contains("labels[\\\"kuma.io/origin\\\"]");
            given().get(path).then().statusCode(404);
            return;
        }
        assertThat(r.statusCode()).as("%s: %s", fixture, r.asString()).isIn(200, 201);
        // Documents Ursa keeps but partly ignores say so, as RFC 9111 Warning headers.
        var warnings = r.headers().getValues("Warning");
        assertThat(warnings).as("warnings of %s", fixture).hasSize(WARNINGS.getOrDefault(fixture.type() + "/" + fixture.fileName(),
                WARNINGS.getOrDefault(fixture.fileName(), 0)));
        warnings.forEach(w -> assertThat(w).startsWith("299 ursa \"spec."));
        given().accept("application/json").get(path).then().statusCode(200);
    }
}
