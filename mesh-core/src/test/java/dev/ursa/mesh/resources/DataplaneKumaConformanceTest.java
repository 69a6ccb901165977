package dev.ursa.mesh.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kuma 2.14's Dataplane validation, case by case: the 77 table cases of
 * {@code pkg/core/resources/apis/mesh/dataplane_validator_test.go} (release-2.14) and its three {@code It} cases
 * ({@code 76-it-*} to {@code 78-it-*}, given a type, name and mesh), copied to {@code mesh/kuma-2.14-dataplane-validator/}
 * as a Dataplane document and the violations Kuma reports, compared exactly (fields, messages, order). Two entries
 * of Kuma's second table that expect no violations are {@code 55-} and {@code 58-}; the entries after them are
 * {@code 55a-} and {@code 58a-}. The cases where Ursa deliberately answers otherwise are listed in {@link #KNOWN_GAPS}
 * with the reason, and the test checks that they still differ, so the list can only shrink.
 */
class DataplaneKumaConformanceTest {
    private static final Path CASES = Path.of("src", "test", "resources", "mesh", "kuma-2.14-dataplane-validator");

    /**
     * Where Ursa refuses what Kuma 2.14 accepts, and why. Kuma's {@code InboundTagsDisabled} mode (inbounds and
     * gateways without tags, served through MeshService) has no counterpart in Ursa, whose endpoints, identities and
     * policies are keyed by {@code kuma.io/service}: such a Dataplane would be accepted and then serve nothing.
     */
    static final Map<String, String> KNOWN_GAPS = Map.of(
            "76-it-allow-dataplane-with-empty-inbound-tags",
            "an inbound without kuma.io/service would be no endpoint of anything (no MeshService in Ursa)",
            "78-it-allow-dataplane-with-empty-gateway-tags",
            "a gateway without kuma.io/service would have no identity (no MeshService in Ursa)");

    static Stream<String> kumaCases() throws IOException {
        try (Stream<Path> files = Files.list(CASES)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".input.yaml"))
                    .map(n -> n.substring(0, n.length() - ".input.yaml".length())).sorted().toList();
            assertThat(names).as("Kuma's dataplane validator cases").hasSize(80);
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kumaCases")
    void kumaDataplaneValidatorCase(String name) throws IOException {
        JsonNode expected = Json.YAML.readTree(Files.readString(CASES.resolve(name + ".output.yaml")));
        List<Violation> want = new ArrayList<>();
        expected.path("violations").forEach(v -> want.add(new Violation(v.get("field").asText(), v.get("message").asText())));
        List<Violation> got = violations(Files.readString(CASES.resolve(name + ".input.yaml")));
        if (KNOWN_GAPS.containsKey(name)) {
            assertThat(got).as("a known gap that now agrees with Kuma: remove it from KNOWN_GAPS").isNotEqualTo(want);
        } else {
            assertThat(got).isEqualTo(want);
        }
    }

    private static List<Violation> violations(String yaml) {
        try {
            return ResourceValidation.check(ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML))).list();
        } catch (ValidationException e) {
            return e.violations();
        }
    }
}
