package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.envoy.EnvoyConstraints;
import dev.ursa.testsupport.Await;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import dev.ursa.zone.xds.RunningZone.ProxylessClient;

import static dev.ursa.zone.xds.RunningZone.CONVERGE;
import static dev.ursa.zone.xds.RunningZone.MESH;
import static dev.ursa.zone.xds.RunningZone.delete;
import static dev.ursa.zone.xds.RunningZone.json;
import static dev.ursa.zone.xds.RunningZone.listener;
import static dev.ursa.zone.xds.RunningZone.matched;
import static dev.ursa.zone.xds.RunningZone.put;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MeshRateLimit on the running zone: written over the REST API, it reaches an Envoy dataplane's {@code _config} (the
 * HTTP local rate limit with its token bucket on the HTTP inbound's route, the connection limit first in every
 * inbound's chain; checked against Envoy's proto constraints) and its {@code _policies}, while a real proxyless grpc-java
 * client keeps calling through its xDS config, gets none of it and is told so ({@code _policies} notApplied).
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitZoneTest {
    private static final EnvoyConstraints ENVOY = new EnvoyConstraints(XdsJson.TYPES);
    private static final String WEB = "/meshes/" + MESH + "/dataplanes/rl-web-1";
    private static final String CLIENT = "/meshes/" + MESH + "/dataplanes/grpc-client";
    private ProxylessClient proxyless;

    @BeforeEach
    void meshAndDataplanes() throws Exception {
        RunningZone.mesh();
        proxyless = ProxylessClient.connect("rl-backend");
        put("dataplanes", "rl-web-1", """
                type: Dataplane
                mesh: %s
                name: rl-web-1
                networking:
                  address: 127.0.0.1
                  inbound:
                    - port: 28180
                      servicePort: 18180
                      tags: {kuma.io/service: rl-web, kuma.io/protocol: http}
                    - port: 28190
                      tags: {kuma.io/service: rl-web-admin}
                """.formatted(MESH));
    }

    @AfterEach
    void cleanup() throws Exception {
        delete("dataplanes", "rl-web-1");
        delete("dataplanes", "rl-backend-1");
        proxyless.close();
    }

    @Test
    void aRateLimitReachesAnEnvoyDataplaneAndIsSaidNotAppliedToAProxylessClient() throws Exception {
        var written = given().contentType("application/yaml").body("""
                type: MeshRateLimit
                mesh: %s
                name: rl-sidecars
                spec:
                  targetRef: {kind: Mesh, proxyTypes: [Sidecar]}
                  from:
                    - targetRef: {kind: Mesh}
                      default:
                        local:
                          http:
                            requestRate: {num: 5, interval: 2s}
                            onRateLimit:
                              status: 503
                              headers:
                                set: [{name: x-rate-limited, value: 'true'}]
                          tcp:
                            connectionRate: {num: 20, interval: 1s}
                """.formatted(MESH)).put("/meshes/" + MESH + "/meshratelimits/rl-sidecars");
        assertThat(written.statusCode()).isIn(200, 201);
        assertThat(written.getHeaders().getValues("Warning")).isEmpty();
        try {
            Await.until("the rate limit reaches rl-web-1's config", CONVERGE,
                    () -> given().get(WEB + "/_config").asString().contains("local_rate_limit_enforced"));
            JsonNode config = json(WEB + "/_config");
            assertThat(config.get("flavour").asText()).isEqualTo("envoy");

            JsonNode http = listener(config, "inbound:127.0.0.1:28180").get("filterChains").get(0).get("filters");
            assertThat(http.get(0).get("name").asText()).isEqualTo("envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit");
            assertThat(http.get(0).get("typedConfig").get("tokenBucket").toString())
                    .isEqualTo("{\"maxTokens\":20,\"tokensPerFill\":20,\"fillInterval\":\"1s\"}");
            JsonNode hcm = http.get(1).get("typedConfig");
            assertThat(hcm.get("httpFilters").get(0).get("name").asText()).isEqualTo("envoy.filters.http.local_ratelimit");
            assertThat(hcm.get("httpFilters").get(hcm.get("httpFilters").size() - 1).get("name").asText()).isEqualTo("envoy.filters.http.router");
            JsonNode perRoute = hcm.get("routeConfig").get("virtualHosts").get(0).get("routes").get(0)
                    .get("typedPerFilterConfig").get("envoy.filters.http.local_ratelimit");
            assertThat(perRoute.get("tokenBucket").toString()).isEqualTo("{\"maxTokens\":5,\"tokensPerFill\":5,\"fillInterval\":\"2s\"}");
            assertThat(perRoute.get("status").get("code").asText()).isEqualTo("ServiceUnavailable");
            assertThat(perRoute.get("responseHeadersToAdd").toString()).contains("x-rate-limited").contains("OVERWRITE_IF_EXISTS_OR_ADD");

            JsonNode tcp = listener(config, "inbound:127.0.0.1:28190").get("filterChains").get(0).get("filters");
            assertThat(tcp.get(0).get("name").asText()).isEqualTo("envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit");
            assertThat(tcp.get(1).get("name").asText()).isEqualTo("envoy.filters.network.tcp_proxy");
            assertThat(tcp.toString()).doesNotContain("envoy.filters.http.local_ratelimit");
            for (JsonNode l : config.get("listeners")) {
                assertThat(ENVOY.violations(XdsJson.parse(l.toString(), Listener.newBuilder()))).as(l.get("name").asText()).isEmpty();
            }
            JsonNode envoyMatch = matched(WEB + "/_policies", "MeshRateLimit", "rl-sidecars");
            assertThat(envoyMatch.has("notApplied")).as("applied to an Envoy dataplane: %s", envoyMatch).isFalse();

            // A real proxyless client keeps calling, gets no rate limit and is told so.
            proxyless.awaitReachable();
            JsonNode clientConfig = json(CLIENT + "/_config");
            assertThat(clientConfig.get("flavour").asText()).isEqualTo("proxyless");
            assertThat(clientConfig.toString()).doesNotContain("local_ratelimit").doesNotContain("rate_limit");
            Await.until("the rate limit selects the proxyless client", CONVERGE,
                    () -> given().get(CLIENT + "/_policies").asString().contains("rl-sidecars"));
            JsonNode note = matched(CLIENT + "/_policies", "MeshRateLimit", "rl-sidecars").get("notApplied");
            assertThat(note).as("notApplied of the proxyless client").isNotNull();
            assertThat(note.get(0).get("field").asText()).isEqualTo("spec");
            assertThat(note.get(0).get("message").asText()).contains("not applied to proxyless gRPC dataplanes");
            assertThat(proxyless.call("again")).isEqualTo("rl-backend-1");
        } finally {
            given().delete("/meshes/" + MESH + "/meshratelimits/rl-sidecars").then().statusCode(200);
        }
        Await.until("the rate limit leaves rl-web-1's config", CONVERGE,
                () -> !given().get(WEB + "/_config").asString().contains("local_ratelimit"));
    }

    @Test
    void whatEnvoyCannotRenderIsSaidInAWarningAndInPolicies() throws Exception {
        var written = given().contentType("application/yaml").body("""
                type: MeshRateLimit
                mesh: %s
                name: rl-status
                spec:
                  targetRef: {kind: Dataplane, name: rl-web-1}
                  rules:
                    - default:
                        local:
                          http:
                            requestRate: {num: 9, interval: 1s}
                            onRateLimit: {status: 444}
                """.formatted(MESH)).put("/meshes/" + MESH + "/meshratelimits/rl-status");
        try {
            assertThat(written.statusCode()).isIn(200, 201);
            assertThat(written.getHeaders().getValues("Warning")).singleElement().asString().startsWith("299 ursa")
                    .contains("spec.rules[0].default.local.http.onRateLimit.status").contains("Envoy has no HTTP status 444");
            Await.until("the rate limit reaches rl-web-1's config", CONVERGE,
                    () -> json(WEB + "/_config").toString().contains("\"maxTokens\":9"));
            JsonNode note = matched(WEB + "/_policies", "MeshRateLimit", "rl-status").get("notApplied");
            assertThat(note.get(0).get("field").asText()).isEqualTo("spec.rules[0].default.local.http.onRateLimit.status");
            // limited requests get Envoy's 429: no status in the config
            JsonNode perRoute = listener(json(WEB + "/_config"), "inbound:127.0.0.1:28180").get("filterChains").get(0).get("filters").get(0)
                    .get("typedConfig").get("routeConfig").get("virtualHosts").get(0).get("routes").get(0).get("typedPerFilterConfig");
            assertThat(perRoute.toString()).contains("\"maxTokens\":9").doesNotContain("\"status\"");
        } finally {
            given().delete("/meshes/" + MESH + "/meshratelimits/rl-status").then().statusCode(200);
        }
    }

    @Test
    void kumasRulesAreEnforcedAtTheApi() throws Exception {
        var refused = given().contentType("application/yaml").body("""
                type: MeshRateLimit
                mesh: %s
                name: rl-refused
                spec:
                  targetRef: {kind: Mesh}
                  rules:
                    - default: {local: {http: {requestRate: {num: 0, interval: 50ms}}}}
                """.formatted(MESH)).put("/meshes/" + MESH + "/meshratelimits/rl-refused");
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode causes = Json.JSON.readTree(refused.asByteArray()).get("causes");
        // a scope that includes gateways takes no rules (Kuma checks nothing inside them then)
        assertThat(causes.toString()).contains("\"field\":\"spec.rules\"").contains("must not be defined");
        given().get("/meshes/" + MESH + "/meshratelimits/rl-refused").then().statusCode(404);
    }
}
