package dev.ursa.mesh.policy.meshratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.policy.common.PolicyFixtures;
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
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * MeshRateLimit against Kuma 2.14's validator: its table of cases ({@code validator_test.go}, one file per entry in
 * {@code kuma-validator-testdata/MeshRateLimit}: every {@code <case>.input.yaml} spec gives exactly the violations of its
 * {@code <case>.output.yaml}, none when there is no output file), Ursa's own cases (what Kuma's schema or Envoy refuses),
 * and the policy fixtures (Kuma's docs examples), accepted and round-tripped.
 */
class MeshRateLimitValidatorTest {
    private static final String TYPE = "MeshRateLimit";
    private static final Path KUMA_CASES = Path.of("src", "test", "resources", "kuma-validator-testdata", TYPE);

    static Stream<String> kumaCases() throws IOException {
        try (Stream<Path> files = Files.list(KUMA_CASES)) {
            List<String> cases = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".input.yaml"))
                    .map(n -> n.substring(0, n.length() - ".input.yaml".length())).sorted().toList();
            assertThat(cases).as("Kuma's 8 valid and 15 invalid cases").hasSize(23);
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
        List<Violation> actual = PolicyFixtures.violations(PolicyFixtures.document(TYPE, spec));
        if (name.equals("unsupported-kind-in-from-selector")) {
            // Not a kind Kuma 2.14 knows: Ursa's decoder refuses it at the same field, naming the kinds it knows.
            assertThat(actual).extracting(Violation::field).containsExactly(expected.getFirst().field());
            assertThat(actual.getFirst().message()).contains("\"MeshGatewayRoute\"").contains("must be one of");
            return;
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** Kuma's valid cases that Ursa accepts with a warning: what Envoy cannot render. */
    @Test
    void kumasValidCasesWarnWhereEnvoyCannotFollow() throws IOException {
        assertThat(PolicyFixtures.warnings(PolicyFixtures.document(TYPE, Files.readString(KUMA_CASES.resolve("valid-full-example.input.yaml")))))
                .extracting(Violation::field).containsExactly("spec.from[0].default.local.http.onRateLimit.status");
        assertThat(PolicyFixtures.warnings(PolicyFixtures.document(TYPE, Files.readString(KUMA_CASES.resolve("valid-rules-example-with-sni-match.input.yaml")))))
                .containsExactly(new Violation("spec.rules[0].matches[0].sni", MeshRateLimitValidator.SNI_ONLY_NOT_APPLIED));
        assertThat(PolicyFixtures.warnings(PolicyFixtures.document(TYPE, Files.readString(KUMA_CASES.resolve("valid-minimal-example.input.yaml")))))
                .isEmpty();
    }

    @Test
    void everyFieldBinds() {
        var spec = PolicyFixtures.decode(PolicyFixtures.read(PolicyFixtures.named(TYPE, "clients-by-spiffe-id.yaml")))
                .spec(MeshRateLimitSpec.class);
        assertThat(spec.rules()).hasSize(2);
        var http = spec.rules().get(1).defaultConf().local().http();
        assertThat(http.requestRate().num()).isEqualTo(5L);
        assertThat(http.requestRate().interval().value()).hasSeconds(1);
        assertThat(http.onRateLimit().status()).isEqualTo(429L);
        assertThat(http.onRateLimit().headers().add()).containsExactly(new MeshRateLimitSpec.HeaderKeyValue("x-rate-limited-by", "mesh"));
        var match = spec.rules().get(1).matches().getFirst();
        assertThat(match.spiffeID().prefix()).isTrue();
        assertThat(match.spiffeID().value()).isEqualTo("spiffe://default/ns/clients");
        assertThat(spec.rules().getFirst().matchesOrEmpty()).isEmpty();
        var tcp = PolicyFixtures.decode(PolicyFixtures.read(PolicyFixtures.named(TYPE, "sidecar-subset-tcp-from.yaml")))
                .spec(MeshRateLimitSpec.class).from().getFirst().defaultConf().local().tcp();
        assertThat(tcp.connectionRate().num()).isEqualTo(5L);
        assertThat(tcp.disabled()).isNull();
    }

    /** Ursa's cases beyond Kuma's table: Kuma's other rules, its schema, and what Envoy would refuse. */
    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("status 0", http("onRateLimit: {status: 0}"),
                        "spec.from[0].default.local.http.onRateLimit.status", "must be greater than 0"),
                arguments("negative num", http("requestRate: {num: -5, interval: 1s}"),
                        "spec.from[0].default.local.http.requestRate.num", "must be greater than 0"),
                arguments("num beyond uint32", http("requestRate: {num: 4294967296, interval: 1s}"),
                        "spec.from[0].default.local.http.requestRate.num", "must be at most 4294967295"),
                arguments("interval of exactly 50ms", http("requestRate: {num: 5, interval: 50ms}"),
                        "spec.from[0].default.local.http.requestRate.interval", "must be greater than: 50ms"),
                arguments("interval missing", http("requestRate: {num: 5}"),
                        "spec.from[0].default.local.http.requestRate.interval", "must be defined"),
                arguments("interval not a duration", http("requestRate: {num: 5, interval: soon}"),
                        "spec.from[0].default.local.http.requestRate.interval", "invalid duration"),
                arguments("header name with upper case", http("onRateLimit: {headers: {add: [{name: X-Limited, value: 'yes'}]}}"),
                        "spec.from[0].default.local.http.onRateLimit.headers.add[0].name", "lower-case HTTP header name"),
                arguments("header without value", http("onRateLimit: {headers: {set: [{name: x-limited}]}}"),
                        "spec.from[0].default.local.http.onRateLimit.headers.set[0].value", "must be defined"),
                arguments("header value with a line break", http("onRateLimit: {headers: {set: [{name: x-limited, value: \"a\\r\\nb: c\"}]}}"),
                        "spec.from[0].default.local.http.onRateLimit.headers.set[0].value", "must not contain NUL, CR or LF"),
                arguments("more response headers than Envoy takes",
                        http("onRateLimit: {headers: {add: [{name: a, value: '1'}, {name: b, value: '2'}], set: [{name: c, value: '1,2,3,4,5,6,7,8,9'}]}}"),
                        "spec.from[0].default.local.http.onRateLimit.headers", "at most 10 response headers in all"),
                arguments("unknown field", http("requestRate: {num: 5, interval: 1s, burst: 10}"),
                        "spec.from[0].default.local.http.requestRate.burst", "unknown field"),
                arguments("no default (Go's zero value)", """
                        targetRef: {kind: MeshService, name: backend}
                        from:
                        - targetRef: {kind: Mesh}
                        """, "spec.from[0].default.local", "must be defined"),
                arguments("from Mesh with a name", """
                        targetRef: {kind: MeshService, name: backend}
                        from:
                        - targetRef: {kind: Mesh, name: default}
                          default: {local: {tcp: {disabled: true}}}
                        """, "spec.from[0].targetRef.name", "using name with kind Mesh is not yet supported"),
                arguments("to on sidecars", """
                        targetRef: {kind: Mesh, proxyTypes: [Sidecar]}
                        to:
                        - targetRef: {kind: Mesh}
                          default: {local: {tcp: {disabled: true}}}
                        """, "spec.to", "must not be defined"),
                arguments("to MeshService on a gateway", """
                        targetRef: {kind: MeshGateway, name: edge}
                        to:
                        - targetRef: {kind: MeshService, name: backend}
                          default: {local: {tcp: {disabled: true}}}
                        """, "spec.to[0].targetRef.kind", "value 'MeshService' is not supported"),
                arguments("rules without a targetRef (the whole mesh, gateways included)", """
                        rules:
                        - default: {local: {http: {disabled: true}}}
                        """, "spec.rules", "must not be defined"),
                arguments("rules on a route", """
                        targetRef: {kind: MeshHTTPRoute, name: r}
                        rules:
                        - default: {local: {http: {disabled: true}}}
                        """, "spec.rules", "must not be defined"),
                arguments("top-level MeshExternalService", """
                        targetRef: {kind: MeshExternalService, name: httpbin}
                        rules:
                        - default: {local: {http: {disabled: true}}}
                        """, "spec.targetRef.kind", "value 'MeshExternalService' is not supported"),
                arguments("match with neither spiffeID nor sni", rule("matches: [{}]"),
                        "spec.rules[0].matches[0]", "must specify at least one of 'spiffeID' or 'sni'"),
                arguments("spiffeID without type", rule("matches: [{spiffeID: {value: 'spiffe://default/web'}}]"),
                        "spec.rules[0].matches[0].spiffeID.type", "must be set"),
                arguments("spiffeID without scheme", rule("matches: [{spiffeID: {type: Exact, value: default/web}}]"),
                        "spec.rules[0].matches[0].spiffeID", "must be a valid Spiffe ID: scheme is missing or invalid"),
                arguments("sni of another type", rule("matches: [{sni: {type: Prefix, value: backend.mesh}}]"),
                        "spec.rules[0].matches[0].sni.type", "unrecognized type \"Prefix\", supported values are: Exact"),
                arguments("sni not a DNS name", rule("matches: [{sni: {type: Exact, value: Backend_Mesh}}]"),
                        "spec.rules[0].matches[0].sni.value", "RFC 1123 subdomain"),
                arguments("rule without default", """
                        targetRef: {kind: Dataplane, name: backend-1}
                        rules:
                        - matches: [{spiffeID: {type: Exact, value: 'spiffe://default/web'}}]
                        """, "spec.rules[0].default.local", "must be defined"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDocumentReportsTheField(String name, String spec, String field, String message) {
        List<Violation> violations = PolicyFixtures.violations(PolicyFixtures.document(TYPE, spec));
        assertThat(violations).extracting(Violation::field).containsExactly(field);
        assertThat(violations.getFirst().message()).contains(message);
    }

    @Test
    void sixteenHeadersPerListAsKumasSchemaSays() {
        String seventeen = String.join(", ", java.util.stream.IntStream.range(0, 17).mapToObj(i -> "{name: h" + i + ", value: v}").toList());
        List<Violation> violations = PolicyFixtures.violations(PolicyFixtures.document(TYPE, http("onRateLimit: {headers: {add: [" + seventeen + "]}}")));
        assertThat(violations).extracting(Violation::field).containsExactly("spec.from[0].default.local.http.onRateLimit.headers.add",
                "spec.from[0].default.local.http.onRateLimit.headers");
        assertThat(violations.getFirst().message()).isEqualTo("must have at most 16 items");
    }

    @Test
    void statusesEnvoyHasNoCodeForAreAcceptedWithAWarning() {
        for (int status : List.of(123, 444, 499, 599, 1000)) {
            String yaml = PolicyFixtures.document(TYPE, http("onRateLimit: {status: " + status + "}"));
            PolicyFixtures.assertAcceptedWithWarnings(yaml, List.of(at("spec.from[0].default.local.http.onRateLimit.status",
                    "Envoy has no HTTP status " + status)));
        }
        for (int status : List.of(200, 302, 423, 429, 503)) {
            PolicyFixtures.assertAcceptedWithWarnings(PolicyFixtures.document(TYPE, http("onRateLimit: {status: " + status + "}")), List.of());
        }
        assertThat(MeshRateLimitValidator.envoyStatus(429)).isTrue();
        assertThat(MeshRateLimitValidator.envoyStatus(418)).isFalse(); // not in Envoy's StatusCode enum
        assertThat(MeshRateLimitValidator.envoyStatus(4294967295L)).isFalse();
    }

    @Test
    void setValuesSplitAsKumaSplitsThem() {
        assertThat(MeshRateLimitValidator.setValues("a,b, c")).containsExactly("a", "b", " c");
        assertThat(MeshRateLimitValidator.setValues("a,")).containsExactly("a", "");
        assertThat(MeshRateLimitValidator.setValues("")).containsExactly("");
        var headers = new MeshRateLimitSpec.HeaderModifier(List.of(new MeshRateLimitSpec.HeaderKeyValue("x", "1,2")),
                List.of(new MeshRateLimitSpec.HeaderKeyValue("y", "3")));
        assertThat(MeshRateLimitValidator.responseHeaderCount(headers)).isEqualTo(3);
    }

    @Test
    void roundTripKeepsExactlyWhatTheUserWrote() {
        PolicyFixtures.assertRoundTrip(PolicyFixtures.document(TYPE, """
                targetRef: {kind: Dataplane, name: backend-1, sectionName: http}
                rules:
                - matches:
                  - spiffeID: {type: Exact, value: 'spiffe://default/web'}
                    sni: {type: Exact, value: backend.mesh}
                  default:
                    local:
                      http:
                        disabled: false
                        requestRate: {num: 4294967295, interval: 1m30s}
                        onRateLimit:
                          status: 503
                          headers:
                            set: [{name: x-a, value: 'a,b'}]
                            add: [{name: x-b, value: ''}]
                """));
    }

    private static String http(String http) {
        return """
                targetRef: {kind: MeshService, name: backend}
                from:
                - targetRef: {kind: Mesh}
                  default:
                    local:
                      http:
                """ + http.indent(8);
    }

    private static String rule(String matches) {
        return "targetRef: {kind: Dataplane, labels: {app: backend}}\nrules:\n- " + matches
                + "\n  default: {local: {http: {requestRate: {num: 5, interval: 1s}}}}\n";
    }
}
