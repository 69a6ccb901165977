package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.codec.Json;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import io.grpc.ManagedChannel;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests against a running zone app ({@code @QuarkusTest} with {@link XdsTestPort}) do through its admin API:
 * write and read resources of {@link XdsTestPort#MESH}, and find parts of a dataplane's {@code _config} and
 * {@code _policies}. Call {@link #mesh()} in a {@code @BeforeEach}: REST Assured knows the app's port only once a
 * test runs.
 */
final class RunningZone {
    static final String MESH = XdsTestPort.MESH;
    static final Duration CONVERGE = Duration.ofSeconds(30);

    private RunningZone() {
    }

    /** Creates the test mesh (or finds it there) and makes REST Assured speak YAML. */
    static void mesh() {
        RestAssuredYaml.enable();
        int code = given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode();
        assertThat(code).as("put mesh %s", MESH).isIn(200, 201);
    }

    static String path(String plural, String name) {
        return "/meshes/" + MESH + "/" + plural + "/" + name;
    }

    static void put(String plural, String name, String yaml) {
        int code = given().contentType("application/yaml").body(yaml).put(path(plural, name)).statusCode();
        assertThat(code).as("put %s/%s", plural, name).isIn(200, 201);
    }

    static void delete(String plural, String name) {
        given().delete(path(plural, name)).then().statusCode(200);
    }

    static JsonNode json(String path) throws IOException {
        return Json.JSON.readTree(given().get(path).then().statusCode(200).extract().asByteArray());
    }

    /** The entry of {@code _policies} at {@code path} for policy {@code type}/{@code name}; fails if it selects nothing there. */
    static JsonNode matched(String path, String type, String name) throws IOException {
        JsonNode policies = json(path);
        for (JsonNode m : policyOfType(policies, type).get("matched")) if (m.get("name").asText().equals(name)) return m;
        throw new AssertionError(type + " " + name + " does not select " + path + ": " + policies);
    }

    static JsonNode policyOfType(JsonNode policies, String type) {
        for (JsonNode p : policies.get("policies")) if (p.get("type").asText().equals(type)) return p;
        throw new AssertionError("no " + type + " in " + policies.toPrettyString());
    }

    static JsonNode listener(JsonNode config, String name) {
        return named(config, "listeners", name);
    }

    static JsonNode cluster(JsonNode config, String name) {
        return named(config, "clusters", name);
    }

    private static JsonNode named(JsonNode config, String section, String name) {
        for (JsonNode r : config.get(section)) if (r.get("name").asText().equals(name)) return r;
        throw new AssertionError("no " + section + " entry " + name + " in " + config.get(section));
    }

    /**
     * A real gRPC backend registered as the Dataplane {@code <service>-1}, and the proxyless client
     * {@link XdsTestPort#NODE_ID} connected to the zone's xDS server with a channel to that service. Closing stops both
     * and leaves the Dataplane registered.
     */
    record ProxylessClient(String service, EchoBackend backend, ManagedChannel channel) implements AutoCloseable {
        static ProxylessClient connect(String service) throws IOException {
            EchoBackend backend = new EchoBackend(service + "-1");
            put("dataplanes", service + "-1", """
                    type: Dataplane
                    mesh: %s
                    name: %s-1
                    networking:
                      address: 127.0.0.1
                      inbound:
                        - port: %d
                          tags: {kuma.io/service: %s, kuma.io/protocol: grpc}
                    """.formatted(MESH, service, backend.port(), service));
            ManagedChannel channel = XdsChannels.channel(XdsTestPort.port(), XdsTestPort.NODE_ID, TestTokens.dataplane(MESH), service);
            return new ProxylessClient(service, backend, channel);
        }

        String call(String message) {
            return EchoBackend.call(channel, message, 2000);
        }

        /** Waits until the client's xDS config routes it to the backend. */
        void awaitReachable() {
            Await.until(service + " reachable over xDS", CONVERGE, () -> call("hi").equals(service + "-1"));
        }

        @Override
        public void close() throws Exception {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            backend.close();
        }
    }
}
