package dev.ursa.mesh.policy.meshfaultinjection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class MeshFaultInjectionValidatorTest {
    private static final String TYPE = "MeshFaultInjection";

    @Test
    void decimalPercentageAndRulesBind() {
        var spec = PolicyFixtures.decode(PolicyFixtures.read(PolicyFixtures.named(TYPE, "default-fault-injection-6.yaml")))
                .spec(MeshFaultInjectionSpec.class);
        var faults = spec.rules().getFirst().defaultConf().http();
        assertThat(faults.get(0).abort().percentage().decimal()).contains(new BigDecimal("2.5"));
        assertThat(faults.get(1).abort().httpStatus()).isEqualTo(503);
        assertThat(spec.rules().getFirst().matches().getFirst().spiffeID().value()).endsWith("/sa/frontend");
    }

    /** Kuma 2.14's valid cases (validator_test.go) are accepted here too. */
    static Stream<Arguments> kumaValid() {
        return Stream.of(
                arguments("empty faults", """
                        targetRef: {kind: MeshService, name: backend}
                        from:
                        - targetRef: {kind: MeshService, name: web-backend}
                          default: {http: []}
                        """),
                arguments("Mesh with to, only gateways", """
                        targetRef: {kind: Mesh, proxyTypes: [Gateway]}
                        to:
                        - targetRef: {kind: Mesh}
                          default: {http: []}
                        """),
                arguments("rules with sni match", """
                        targetRef: {kind: Mesh}
                        rules:
                        - matches:
                          - sni: {type: Exact, value: sni.extsvc.default.zone-1.aws-aurora.8443}
                          default:
                            http:
                            - responseBandwidth: {limit: 1000Mbps, percentage: 50}
                        """),
                arguments("abort and delay in one fault, decimal string", """
                        targetRef: {kind: MeshService, name: backend}
                        from:
                        - targetRef: {kind: MeshService, name: web-backend}
                          default:
                            http:
                            - abort: {httpStatus: 503, percentage: 50}
                              delay: {value: 10s, percentage: 5}
                            - abort: {httpStatus: 500, percentage: "50.5"}
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kumaValid")
    void kumaValidCaseIsAccepted(String name, String spec) {
        assertThat(PolicyFixtures.violations(document(spec))).isEmpty();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("status out of range", faults("- abort: {httpStatus: 677, percentage: 1}"),
                        "spec.from[0].default.http.abort[0].httpStatus", "must be in inclusive range [100, 599]"),
                arguments("abort without status (Kuma's zero value)", faults("- abort: {}"),
                        "spec.from[0].default.http.abort[0].httpStatus", "must be in inclusive range [100, 599]"),
                arguments("abort percentage above 100", faults("- abort: {httpStatus: 503, percentage: 111}"),
                        "spec.from[0].default.http.abort[0].percentage", "must be in inclusive range [0.0, 100.0]"),
                arguments("negative delay; index after the kind", faults("- abort: {httpStatus: 503}\n- delay: {value: -5s}"),
                        "spec.from[0].default.http.delay[1].value", "must not be negative when defined"),
                arguments("delay percentage above 100", faults("- delay: {value: 5s, percentage: 1111}"),
                        "spec.from[0].default.http.delay[0].percentage", "must be in inclusive range [0.0, 100.0]"),
                arguments("negative percentage as string", faults("- delay: {value: 5s, percentage: \"-0.5\"}"),
                        "spec.from[0].default.http.delay[0].percentage", "must be in inclusive range [0.0, 100.0]"),
                arguments("bandwidth without unit", faults("- responseBandwidth: {limit: \"1000\"}"),
                        "spec.from[0].default.http.responseBandwidth[0].limit", "must be in kbps/Mbps/Gbps units"),
                arguments("bandwidth missing", faults("- responseBandwidth: {percentage: 5}"),
                        "spec.from[0].default.http.responseBandwidth[0].limit", "must be defined"),
                arguments("percentage not a number", faults("- responseBandwidth: {limit: 10kbps, percentage: xyz}"),
                        "spec.from[0].default.http.responseBandwidth[0].percentage", "string must be a valid number"),
                arguments("status in a rule", """
                        targetRef: {kind: Mesh}
                        rules:
                        - default:
                            http:
                            - abort: {httpStatus: 99, percentage: 5}
                        """, "spec.rules[0].default.http.abort[0].httpStatus", "must be in inclusive range [100, 599]"),
                arguments("spiffeID without scheme", """
                        targetRef: {kind: Mesh}
                        rules:
                        - matches:
                          - spiffeID: {type: Exact, value: not-valid}
                          default: {http: []}
                        """, "spec.rules[0].matches[0].spiffeID", "must be a valid Spiffe ID: scheme is missing or invalid"),
                arguments("spiffeID with upper-case trust domain", """
                        targetRef: {kind: Mesh}
                        rules:
                        - matches:
                          - spiffeID: {type: Prefix, value: "spiffe://Mesh/ns"}
                          default: {http: []}
                        """, "spec.rules[0].matches[0].spiffeID", "trust domain characters are limited"),
                arguments("sni prefix", """
                        targetRef: {kind: Mesh}
                        rules:
                        - matches:
                          - sni: {type: Prefix, value: sni.extsvc.default.zone-1.aws-aurora.8443}
                          default: {http: []}
                        """, "spec.rules[0].matches[0].sni.type", "unrecognized type \"Prefix\", supported values are: Exact"),
                arguments("sni value not a DNS name", """
                        targetRef: {kind: Mesh}
                        rules:
                        - matches:
                          - sni: {type: Exact, value: Not_A_Name}
                          default: {http: []}
                        """, "spec.rules[0].matches[0].sni.value", "RFC 1123 subdomain"),
                arguments("from and rules together", """
                        targetRef: {kind: Dataplane, labels: {app: backend}}
                        from:
                        - targetRef: {kind: Mesh}
                          default: {http: []}
                        rules:
                        - default: {http: []}
                        """, "spec", "field 'from' must be empty when 'rules' is defined"),
                arguments("from with a Mesh scope (includes gateways)", """
                        targetRef: {kind: Mesh}
                        from:
                        - targetRef: {kind: Mesh}
                          default: {http: []}
                        """, "spec.from", "must not be defined when the scope includes a Gateway"),
                arguments("to on sidecars", """
                        targetRef: {kind: MeshService, name: backend}
                        to:
                        - targetRef: {kind: Mesh}
                          default: {http: []}
                        """, "spec.to", "must not be defined"),
                arguments("to MeshService on a gateway", """
                        targetRef: {kind: MeshGateway, name: edge}
                        to:
                        - targetRef: {kind: MeshService, name: backend}
                          default: {http: []}
                        """, "spec.to[0].targetRef.kind", "value 'MeshService' is not supported"),
                arguments("from Dataplane", """
                        targetRef: {kind: MeshService, name: backend}
                        from:
                        - targetRef: {kind: Dataplane, name: web}
                          default: {http: []}
                        """, "spec.from[0].targetRef.kind", "value 'Dataplane' is not supported"),
                arguments("top MeshHTTPRoute", """
                        targetRef: {kind: MeshHTTPRoute, name: r}
                        rules:
                        - default: {http: []}
                        """, "spec.targetRef.kind", "value 'MeshHTTPRoute' is not supported"),
                arguments("unknown field in a fault", faults("- abort: {httpStatus: 503, percent: 5}"),
                        "spec.from[0].default.http[0].abort.percent", "unknown field"),
                arguments("from Mesh with a name (Kuma's docs example default-fault-injection-2, refused by Kuma 2.14 too)", """
                        targetRef: {kind: Dataplane, labels: {app: backend}}
                        from:
                        - targetRef: {kind: Mesh, name: default}
                          default:
                            http:
                            - delay: {percentage: "50.5", value: 5s}
                        """, "spec.from[0].targetRef.name", "using name with kind Mesh is not yet supported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDocumentReportsTheField(String name, String spec, String field, String message) {
        List<Violation> violations = PolicyFixtures.violations(document(spec));
        assertThat(violations).extracting(Violation::field).containsExactly(field);
        assertThat(violations.getFirst().message()).contains(message);
    }

    /** Kuma's "incorrect values" case: every violation, with Kuma's paths, in Kuma's order. */
    @Test
    void kumaIncorrectValuesCase() {
        List<Violation> violations = PolicyFixtures.violations(document(faults("""
                - abort: {httpStatus: 677, percentage: 111}
                - delay: {value: -5s, percentage: 1111}
                - responseBandwidth: {limit: "1000", percentage: 1111}""")));
        String base = "spec.from[0].default.http.";
        assertThat(violations).extracting(Violation::field).containsExactly(
                base + "abort[0].httpStatus", base + "abort[0].percentage", base + "delay[1].value", base + "delay[1].percentage",
                base + "responseBandwidth[2].limit", base + "responseBandwidth[2].percentage");
    }

    @Test
    void bandwidthKumaCannotRenderIsAcceptedWithAWarning() {
        String yaml = document(faults("- responseBandwidth: {limit: kbps, percentage: 5}"));
        assertThat(PolicyFixtures.violations(yaml)).isEmpty();
        assertThat(PolicyFixtures.warnings(yaml)).extracting(Violation::field)
                .containsExactly("spec.from[0].default.http.responseBandwidth[0].limit");
    }

    @Test
    void roundTripKeepsExactlyWhatTheUserWrote() {
        String yaml = document(faults("""
                - abort: {httpStatus: 503, percentage: "50.5"}
                  delay: {value: 1m30s, percentage: 5}
                - responseBandwidth: {limit: 100Mbps, percentage: 5}"""));
        Resource first = PolicyFixtures.decode(yaml);
        assertThat(PolicyFixtures.violations(yaml)).isEmpty();
        JsonNode encoded = ResourceCodec.encode(first);
        Resource second = ResourceCodec.decode(ResourceCodec.parse(ResourceCodec.write(encoded, Format.JSON), Format.JSON));
        assertThat(second.spec()).isEqualTo(first.spec());
        assertThat(encoded.get("spec")).isEqualTo(ResourceCodec.parse(yaml.getBytes(UTF_8), Format.YAML).get("spec"));
        assertThat(encoded.get("spec").has("rules")).isFalse();
        assertThat(encoded.get("spec").has("to")).isFalse();
    }

    @Test
    void kbpsConvertsAsKuma() {
        assertThat(MeshFaultInjectionValidator.kbps("111Mbps")).contains(111_000L);
        assertThat(MeshFaultInjectionValidator.kbps("2Gbps")).contains(2_000_000L);
        assertThat(MeshFaultInjectionValidator.kbps("10 kbps")).contains(10L);
        assertThat(MeshFaultInjectionValidator.kbps("kbps")).isEmpty();
        assertThat(MeshFaultInjectionValidator.kbps("5GMbps")).isEmpty();
    }

    private static String faults(String http) {
        return """
                targetRef: {kind: MeshService, name: backend}
                from:
                - targetRef: {kind: MeshService, name: web-backend}
                  default:
                    http:
                """ + http.indent(4);
    }

    private static String document(String spec) {
        return "type: " + TYPE + "\nname: test\nmesh: default\nspec:\n" + spec.indent(2);
    }
}
