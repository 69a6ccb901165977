package dev.ursa.zone.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import dev.ursa.mesh.codec.Json;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import dev.ursa.mesh.envoy.EnvoyConstraints;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every golden file parses strictly into Envoy's protobuf types (unknown fields, wrong types and unregistered Any types
 * fail), so none is structurally invalid Envoy config, parsing and printing it again gives the same JSON, and every
 * resource passes the constraints Envoy declares on its protos ({@link EnvoyConstraints}, what Envoy checks first).
 */
class GoldenFilesParseTest {
    private static final EnvoyConstraints ENVOY = new EnvoyConstraints(XdsJson.TYPES);
    private static final Map<String, Supplier<Message.Builder>> TYPES = Map.of(
            "listeners", Listener::newBuilder,
            "routes", RouteConfiguration::newBuilder,
            "clusters", Cluster::newBuilder,
            "endpoints", ClusterLoadAssignment::newBuilder);

    @Test
    void everyGoldenFileIsValidEnvoyConfig() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources"))) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".golden.json")).sorted().toList();
        }
        assertThat(files).as("golden files (a missing one would go unnoticed otherwise)").hasSizeGreaterThanOrEqualTo(61);
        int resources = 0;
        for (Path f : files) {
            JsonNode golden = Json.JSON.readTree(Files.readString(f));
            assertThat(golden.properties()).as("%s", f).isNotEmpty();
            for (var e : golden.properties()) {
                Supplier<Message.Builder> type = TYPES.get(e.getKey());
                assertThat(type).as("%s: unknown section %s", f, e.getKey()).isNotNull();
                for (JsonNode item : e.getValue()) {
                    Message m = XdsJson.parse(item.toString(), type.get()).build();
                    assertThat(Json.JSON.readTree(XdsJson.print(m))).as("%s round trip", f).isEqualTo(item);
                    assertThat(ENVOY.violations(m)).as("%s: Envoy's proto constraints on %s", f, item.path("name")).isEmpty();
                    resources++;
                }
            }
        }
        System.out.printf("[xds] %d golden files, %d resources parsed strictly%n", files.size(), resources);
    }
}
