package dev.ursa.mesh.policy.meshpassthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Expected;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.ursa.mesh.policy.common.PolicyFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MeshPassthrough against Kuma 2.14's validator: its own testdata ({@code kuma-validator-testdata/MeshPassthrough}, the
 * exact violations of {@code full-invalid}), more invalid documents one rule each, and valid documents accepted with the
 * warning that the policy has no effect yet.
 */
class MeshPassthroughValidatorTest {
    private static final String TYPE = "MeshPassthrough";
    private static final Path KUMA_CASES = Path.of("src", "test", "resources", "kuma-validator-testdata", TYPE);
    private static final List<Expected> NOT_APPLIED = List.of(at("spec.default", "accepted but not applied yet"));

    @Test
    void kumaFullInvalidGivesKumasViolations() throws IOException {
        String spec = Files.readString(KUMA_CASES.resolve("full-invalid.input.yaml"));
        // Kuma's test decoder reads `protocol: 1` as the text "1"; Ursa's API refuses a number for a text field, naming it.
        assertThatThrownBy(() -> PolicyFixtures.decode(PolicyFixtures.document(TYPE, spec))).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).violations()).extracting(Violation::field)
                        .containsExactly("spec.default.appendMatch[0].protocol"));
        String quoted = spec.replace("protocol: 1\n", "protocol: \"1\"\n");
        List<Violation> expected = new ArrayList<>();
        JsonNode violations = PolicyFixtures.parse(Files.readString(KUMA_CASES.resolve("full-invalid.output.yaml"))).path("violations");
        violations.forEach(v -> expected.add(new Violation(v.get("field").asText(), v.get("message").asText())));
        assertThat(expected).hasSize(15);
        assertThat(PolicyFixtures.violations(PolicyFixtures.document(TYPE, quoted))).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void kumaValidIsAcceptedWithTheNotAppliedWarning() throws IOException {
        PolicyFixtures.assertAcceptedWithWarnings(PolicyFixtures.document(TYPE, Files.readString(KUMA_CASES.resolve("valid.input.yaml"))), NOT_APPLIED);
    }

    @Test
    void matchBindsEveryField() {
        var spec = (MeshPassthroughSpec) PolicyFixtures.decode(PolicyFixtures.read(PolicyFixtures.named(TYPE, "allow-matched.yaml"))).spec();
        assertThat(spec.defaults().passthroughMode()).isEqualTo(MeshPassthroughSpec.PassthroughMode.Matched);
        assertThat(spec.defaults().appendMatch().get(2)).isEqualTo(new MeshPassthroughSpec.Match("CIDR", "10.250.0.0/16", 10000L, "tcp"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("unknown match type", match("{type: Host, value: a.com, protocol: tls}"),
                        at("spec.default.appendMatch[0].type", "provided type Host is not supported")),
                bad("match without type", match("{value: a.com, protocol: tls}"),
                        at("spec.default.appendMatch[0].type", "provided type  is not supported")),
                bad("unknown protocol", match("{type: IP, value: 1.2.3.4, protocol: udp}"),
                        at("spec.default.appendMatch[0].protocol", "must be one of")),
                bad("match without protocol", match("{type: IP, value: 1.2.3.4}"),
                        at("spec.default.appendMatch[0].protocol", "must be one of")),
                bad("port 0", match("{type: IP, value: 1.2.3.4, port: 0, protocol: tcp}"),
                        at("spec.default.appendMatch[0].port", "port must be a valid (1-65535)")),
                bad("port past 65535", match("{type: IP, value: 1.2.3.4, port: 65536, protocol: tcp}"),
                        at("spec.default.appendMatch[0].port", "port must be a valid (1-65535)")),
                bad("bad IP", match("{type: IP, value: 1.2.3.256, protocol: tcp}"),
                        at("spec.default.appendMatch[0].value", "provided IP has incorrect value")),
                bad("bad CIDR", match("{type: CIDR, value: 10.0.0.0/40, protocol: tcp}"),
                        at("spec.default.appendMatch[0].value", "provided CIDR has incorrect value")),
                bad("domain over tcp", match("{type: Domain, value: a.com, port: 80, protocol: tcp}"),
                        at("spec.default.appendMatch[0].protocol", "protocol tcp is not supported for a domain")),
                bad("partial wildcard", match("{type: Domain, value: '*api.example.com', port: 443, protocol: tls}"),
                        at("spec.default.appendMatch[0].value", "partial wildcard is currently not supported")),
                bad("wildcard without port on L7", match("{type: Domain, value: '*.example.com', protocol: http2}"),
                        at("spec.default.appendMatch[0].port", "wildcard domains doesn't work for all ports")),
                bad("mysql without port", match("{type: CIDR, value: 10.0.0.0/8, protocol: mysql}"),
                        at("spec.default.appendMatch[0].port", "port must be defined for Mysql protocol")),
                bad("domain is an IP", match("{type: Domain, value: 10.0.0.1, port: 443, protocol: tls}"),
                        at("spec.default.appendMatch[0].value", "provided DNS has incorrect value")),
                bad("two L7 protocols on one port", match("{type: Domain, value: a.com, port: 8080, protocol: http}",
                                "{type: Domain, value: b.com, port: 8080, protocol: grpc}"),
                        at("spec.default.appendMatch[1].port", "requires the same protocol")),
                bad("duplicate value on a port and protocol", match("{type: IP, value: 1.2.3.4, port: 5000, protocol: tcp}",
                                "{type: IP, value: 1.2.3.4, port: 5000, protocol: tcp}"),
                        at("spec.default.appendMatch[1].value", "value 1.2.3.4 is already defiend for this port and protocol")),
                bad("unknown passthrough mode", """
                        default:
                          passthroughMode: Some
                        """, at("spec.default.passthroughMode", "")),
                bad("unsupported top-level kind", """
                        targetRef:
                          kind: MeshService
                          name: backend
                        default:
                          passthroughMode: None
                        """, at("spec.targetRef.kind", "value 'MeshService' is not supported")),
                bad("unknown field in a match", match("{type: IP, value: 1.2.3.4, protocol: tcp, host: a}"),
                        at("spec.default.appendMatch[0].host", "unknown field")),
                bad("to is not a MeshPassthrough field", """
                        to:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.to", "unknown field")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDocumentReportsExactField(String name, String specBody, List<Expected> expected) {
        PolicyFixtures.assertViolations(PolicyFixtures.document(TYPE, specBody), expected);
    }

    private static String match(String... items) {
        StringBuilder b = new StringBuilder("default:\n  passthroughMode: Matched\n  appendMatch:\n");
        for (String i : items) b.append("    - ").append(i).append('\n');
        return b.toString();
    }

    private static Arguments bad(String name, String specBody, Expected... expected) {
        return Arguments.of(name, specBody, List.of(expected));
    }
}
