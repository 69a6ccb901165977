package dev.ursa.mesh.policy.meshtls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MeshTLS against Kuma 2.14's own validator cases ({@code pkg/plugins/policies/meshtls/api/v1alpha1/testdata},
 * copied to {@code kuma-validator-testdata/MeshTLS}): every {@code <case>.input.yaml} spec gives exactly the violations
 * of its {@code <case>.output.yaml} (none when there is no output file), fields and messages as Kuma reports them.
 */
class MeshTLSValidatorTest {
    private static final String TYPE = "MeshTLS";
    private static final Path KUMA_CASES = Path.of("src", "test", "resources", "kuma-validator-testdata", TYPE);

    static Stream<String> kumaCases() throws IOException {
        try (Stream<Path> files = Files.list(KUMA_CASES)) {
            List<String> cases = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".input.yaml"))
                    .map(n -> n.substring(0, n.length() - ".input.yaml".length())).sorted().toList();
            assertThat(cases).hasSize(7);
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kumaCases")
    void kumaCase(String name) throws IOException {
        String spec = Files.readString(KUMA_CASES.resolve(name + ".input.yaml"));
        Path output = KUMA_CASES.resolve(name + ".output.yaml");
        List<Violation> expected = new ArrayList<>();
        if (Files.exists(output)) {
            JsonNode violations = PolicyFixtures.parse(Files.readString(output)).path("violations");
            violations.forEach(v -> expected.add(new Violation(v.get("field").asText(), v.get("message").asText())));
            assertThat(expected).as("an output file lists violations").isNotEmpty();
        }
        if (name.equals("invalid-top-level-sectionName")) {
            // Kuma's test decoder ignores the field "to", which MeshTLS does not have; Ursa's API refuses unknown fields.
            String yaml = PolicyFixtures.document(TYPE, spec);
            assertThatThrownBy(() -> PolicyFixtures.decode(yaml)).isInstanceOf(ValidationException.class)
                    .satisfies(e -> assertThat(((ValidationException) e).violations()).extracting(Violation::field).containsExactly("spec.to"));
            spec = spec.substring(0, spec.indexOf("\nto:") + 1);
        }
        assertThat(PolicyFixtures.violations(PolicyFixtures.document(TYPE, spec))).isEqualTo(expected);
    }

    @Test
    void versionsInTheWrongOrderAndTlsAutoAsKumaReadsThem() {
        assertThat(PolicyFixtures.violations(PolicyFixtures.document(TYPE, """
                rules:
                - default:
                    tlsVersion:
                      min: TLS13
                      max: TLS12
                """))).containsExactly(new Violation("spec.rules[0].default.tlsVersion.min", "min version must be lower than max"));
        assertThat(PolicyFixtures.violations(PolicyFixtures.document(TYPE, """
                rules:
                - default:
                    tlsVersion:
                      min: TLS13
                      max: TLSAuto
                """))).isEmpty();
    }

    @Test
    void ruleConfBindsEveryField() {
        var spec = (MeshTLSSpec) PolicyFixtures.decode(PolicyFixtures.read(PolicyFixtures.named(TYPE, "mesh-strict-tls13.yaml"))).spec();
        MeshTLSSpec.Conf conf = spec.rulesOrEmpty().getFirst().defaults();
        assertThat(conf.mode()).isEqualTo("Strict");
        assertThat(conf.tlsVersion().min()).isEqualTo("TLS13");
        assertThat(conf.tlsCiphers()).containsExactly("ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384");
        assertThat(spec.from()).isEmpty();
    }

    /** More invalid documents than Kuma's own cases, one rule each: the spec (YAML) and the exact field paths refused. */
    static Stream<org.junit.jupiter.params.provider.Arguments> invalidDocuments() {
        return Stream.of(
                invalid("rules: [{default: {mode: Bogus}}]", "spec.rules[0].default.mode"),
                invalid("from: [{targetRef: {kind: Mesh}, default: {mode: strict}}]", "spec.from[0].default.mode"),
                invalid("rules: [{default: {tlsVersion: {min: TLS14}}}]", "spec.rules[0].default.tlsVersion.min"),
                invalid("rules: [{default: {tlsVersion: {max: TLS9}}}]", "spec.rules[0].default.tlsVersion.max"),
                invalid("rules: [{default: {tlsVersion: {min: TLS13, max: TLS12}}}]", "spec.rules[0].default.tlsVersion.min"),
                invalid("targetRef: {kind: MeshSubset, tags: {app: web}}\nrules: [{default: {tlsVersion: {min: TLS12}}}]",
                        "spec.rules[0].default.tlsVersion"),
                invalid("targetRef: {kind: Dataplane, name: web-1}\nrules: [{default: {tlsCiphers: [ECDHE-RSA-AES128-GCM-SHA256]}}]",
                        "spec.rules[0].default.tlsCiphers"),
                invalid("rules: [{default: {tlsCiphers: [RC4-MD5]}}]", "spec.rules[0].default.tlsCiphers"),
                invalid("rules: [{default: {mode: Strict}}]\nfrom: [{targetRef: {kind: Mesh}, default: {mode: Strict}}]", "spec"),
                invalid("targetRef: {kind: MeshService, name: web}\nrules: [{default: {mode: Strict}}]", "spec.targetRef.kind"),
                invalid("targetRef: {kind: MeshGateway, name: edge}\nrules: [{default: {mode: Strict}}]", "spec.targetRef.kind"),
                invalid("from: [{targetRef: {kind: MeshService, name: web}, default: {mode: Strict}}]", "spec.from[0].targetRef.kind"),
                invalid("from: [{targetRef: {kind: Mesh}, default: {mode: Strict}}, {targetRef: {kind: Dataplane, name: a}, default: {}}]",
                        "spec.from[1].targetRef.kind"),
                invalid("rules: [{default: {mode: Strict}}, {default: {tlsVersion: {min: SSL3}}}]", "spec.rules[1].default.tlsVersion.min"),
                invalid("targetRef: {kind: MeshSubset, tags: {app: web}}\nfrom: [{targetRef: {kind: Mesh}, default: {tlsVersion: {min: TLS12}, mode: Bad}}]",
                        "spec.from[0].default.mode", "spec.from[0].default.tlsVersion"));
    }

    private static org.junit.jupiter.params.provider.Arguments invalid(String spec, String... fields) {
        return org.junit.jupiter.params.provider.Arguments.of(spec, List.of(fields));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidDocuments")
    void invalidDocumentIsRefusedAtItsPath(String spec, List<String> fields) {
        assertThat(PolicyFixtures.violations(PolicyFixtures.document(TYPE, spec))).extracting(Violation::field).containsExactlyElementsOf(fields);
    }
}
