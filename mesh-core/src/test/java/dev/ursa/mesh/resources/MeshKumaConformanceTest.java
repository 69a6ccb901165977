package dev.ursa.mesh.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import dev.ursa.mesh.validation.Violations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kuma 2.14's Mesh validation, case by case: every case of {@code pkg/core/resources/apis/mesh/mesh_validator_test.go}
 * (release-2.14), copied to {@code mesh/kuma-2.14-mesh-validator/} as a Mesh document and the violations Kuma reports,
 * compared exactly (fields, messages and order); then Ursa's own cases for what Kuma checks by parsing (unknown fields,
 * a backend's typed config) and the warnings for sections Ursa does not act on.
 */
class MeshKumaConformanceTest {
    private static final Path CASES = Path.of("src", "test", "resources", "mesh", "kuma-2.14-mesh-validator");

    static Stream<String> kumaCases() throws IOException {
        try (Stream<Path> files = Files.list(CASES)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".input.yaml"))
                    .map(n -> n.substring(0, n.length() - ".input.yaml".length())).sorted().toList();
            assertThat(names).as("Kuma's mesh validator cases").hasSize(32);
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kumaCases")
    void kumaMeshValidatorCase(String name) throws IOException {
        JsonNode expected = Json.YAML.readTree(Files.readString(CASES.resolve(name + ".output.yaml")));
        List<Violation> want = new ArrayList<>();
        expected.path("violations").forEach(v -> want.add(new Violation(v.get("field").asText(), v.get("message").asText())));
        assertThat(check(Files.readString(CASES.resolve(name + ".input.yaml"))).list()).isEqualTo(want);
    }

    @Test
    void aBackendsConfigIsParsedAsItsTypesConfigAsKumaParsesItsStruct() {
        assertThat(check(mesh("""
                logging:
                  backends:
                    - name: file-1
                      type: file
                      conf: {path: [a]}
                tracing:
                  backends:
                    - name: dd
                      type: datadog
                      conf: {address: dd.local, port: 70000}
                metrics:
                  backends:
                    - name: prom
                      type: prometheus
                      conf: {port: "not-a-port", envoy: {filterRegex: "("}}
                """)).list()).containsExactly(
                new Violation("logging.backends[0].config", "could not parse config: invalid value for field \"path\""),
                new Violation("tracing.backends[0].config.port", "port must be in the range [1, 65535]"),
                new Violation("metrics.backends[0].conf", "could not parse config: invalid value for field \"port\""));
        assertThat(check(mesh("""
                metrics:
                  backends:
                    - name: prom
                      type: prometheus
                      conf: {envoy: {filterRegex: "("}, tls: {mode: sometimes}}
                """)).list()).containsExactly(new Violation("metrics.backends[0].conf.tls.mode", "must be one of activeMTLSBackend, providedTLS, disabled"));
        assertThat(check(mesh("""
                metrics:
                  backends:
                    - name: prom
                      type: prometheus
                      conf: {envoy: {filterRegex: "("}}
                """)).list()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("metrics.backends[0].conf.envoy.filterRegex");
            assertThat(v.message()).startsWith("provided regexp isn't correct: ");
        });
    }

    @Test
    void wrongTypesInEverySectionAreRefusedNamingTheFieldAndUnknownFieldsIgnoredAsKumaDoes() {
        for (String section : List.of("logging: {backends: [{name: a, type: file, conf: [x]}]}", "tracing: {defaultBackend: [a]}",
                "metrics: {enabledBackend: [a]}", "networking: {outbound: {passthrough: [maybe]}}", "routing: {zoneEgress: [true]}",
                "constraints: {dataplaneProxy: {requirements: [{tags: [a]}]}}", "meshServices: {mode: [Everywhere]}", "tracing: [a]")) {
            assertThat(refusal(mesh(section))).as(section).isNotEmpty().allSatisfy(v -> assertThat(v.field()).isNotBlank());
        }
        // Kuma parses a Mesh with AllowUnknownFields: a stray field is dropped, not refused
        Resource stray = decode(mesh("logging: {backends: [{name: a, type: file, conf: {path: /x, colour: red}, colour: red}]}\nrouting: {egress: true}"));
        assertThat(ResourceValidation.check(stray).list()).isEmpty();
        JsonNode encoded = ResourceCodec.encode(stray);
        assertThat(encoded.path("routing").has("egress")).isFalse();
        assertThat(encoded.path("logging").path("backends").get(0).has("colour")).isFalse();
        // conf is a free-form Struct in Kuma: kept as written (its typed reading ignores the stray field)
        assertThat(encoded.path("logging").path("backends").get(0).path("conf").path("colour").asText()).isEqualTo("red");
        assertThat(check(mesh("meshServices: {mode: Sometimes}")).list())
                .containsExactly(new Violation("meshServices.mode", "must be one of Disabled, Everywhere, ReachableBackends, Exclusive"));
    }

    @Test
    void sectionsUrsaDoesNotActOnAreAcceptedWithAWarningNamingThem() {
        Violations out = check(mesh("""
                logging: {backends: [{name: f, type: file, conf: {path: /tmp/a}}]}
                tracing: {backends: [{name: z, type: zipkin, conf: {url: "http://zipkin:9411/api/v2/spans"}}]}
                metrics: {enabledBackend: p, backends: [{name: p, type: prometheus}]}
                constraints: {dataplaneProxy: {requirements: [{tags: {kuma.io/zone: east}}]}}
                networking: {outbound: {passthrough: false}}
                meshServices: {mode: Exclusive}
                routing: {localityAwareLoadBalancing: true}
                """));
        assertThat(out.list()).isEmpty();
        assertThat(out.warnings()).extracting(Violation::field).containsExactly("logging", "tracing", "metrics", "constraints",
                "networking.outbound.passthrough", "meshServices.mode");
        assertThat(check(mesh("routing: {localityAwareLoadBalancing: true}")).warnings()).isEmpty();
    }

    @Test
    void everySectionRoundTripsUnchanged() {
        String doc = mesh("""
                logging:
                  defaultBackend: f
                  backends: [{name: f, format: '%START_TIME%', type: file, conf: {path: /tmp/a}}]
                tracing: {defaultBackend: z, backends: [{name: z, sampling: 50.5, type: zipkin, conf: {url: "http://zipkin:9411/api/v2/spans"}}]}
                metrics: {enabledBackend: p, backends: [{name: p, type: prometheus, conf: {port: 5670, path: /metrics, skipMTLS: true}}]}
                constraints: {dataplaneProxy: {requirements: [{tags: {kuma.io/zone: east}}], restrictions: [{tags: {env: "*"}}]}}
                networking: {outbound: {passthrough: false}}
                routing: {localityAwareLoadBalancing: true, zoneEgress: false, defaultForbidMeshExternalServiceAccess: true}
                meshServices: {mode: Exclusive}
                skipCreatingInitialPolicies: ["*"]
                """);
        Resource once = decode(doc);
        Resource twice = decode(new String(ResourceCodec.write(ResourceCodec.encode(once), Format.YAML), StandardCharsets.UTF_8));
        assertThat(twice.spec()).isEqualTo(once.spec());
        MeshSpec spec = once.spec(MeshSpec.class);
        assertThat(spec.tracing().backends().get(0).sampling()).isEqualTo(50.5);
        assertThat(spec.constraints().dataplaneProxy().restrictions().get(0).tags()).containsEntry("env", "*");
        assertThat(spec.routing().defaultForbidMeshExternalServiceAccess()).isTrue();
    }

    private static String mesh(String sections) {
        return "type: Mesh\nname: m\n" + sections;
    }

    private static Resource decode(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
    }

    /** What refuses {@code yaml}: the decoder (a wrong type) or the validator; empty when it is accepted. */
    private static List<Violation> refusal(String yaml) {
        try {
            return check(yaml).list();
        } catch (ValidationException e) {
            return e.violations();
        }
    }

    private static Violations check(String yaml) {
        return ResourceValidation.check(decode(yaml));
    }
}
