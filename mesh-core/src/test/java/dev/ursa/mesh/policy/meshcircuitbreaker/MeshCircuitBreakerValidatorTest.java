package dev.ursa.mesh.policy.meshcircuitbreaker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Fixture;
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

class MeshCircuitBreakerValidatorTest {
    private static final String TYPE = "MeshCircuitBreaker";

    @Test
    void inboundRulesFixtureBindsItsDetectors() {
        Fixture fixture = PolicyFixtures.named(TYPE, "ledger-inbound-outlier-detection.yaml");
        var spec = PolicyFixtures.decode(PolicyFixtures.read(fixture)).spec(MeshCircuitBreakerSpec.class);
        assertThat(spec.to()).isEmpty();
        var od = spec.rules().getFirst().conf().outlierDetection();
        assertThat(od.maxEjectionPercent()).isEqualTo(30);
        assertThat(od.detectors().successRate().standardDeviationFactor().decimal()).contains(new BigDecimal("2.1"));
        assertThat(od.detectors().failurePercentage().threshold()).isEqualTo(70);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("unknown field inside connectionLimits", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            connectionLimits: {maxConnection: 2}
                        """, "spec.to[0].default.connectionLimits.maxConnection", "unknown field"),
                arguments("targetRef inside a rule", """
                        rules:
                        - targetRef: {kind: Mesh}
                          default:
                            connectionLimits: {maxConnections: 2}
                        """, "spec.rules[0].targetRef", "unknown field"),
                arguments("limit as a string", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            connectionLimits: {maxRetries: "2"}
                        """, "spec.to[0].default.connectionLimits.maxRetries", "must be an integer"),
                arguments("bad duration", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              interval: 5sec
                              detectors: {totalFailures: {consecutive: 3}}
                        """, "spec.to[0].default.outlierDetection.interval", "invalid duration"),
                arguments("bad targetRef kind spelling", """
                        to:
                        - targetRef: {kind: mesh}
                          default:
                            connectionLimits: {maxConnections: 2}
                        """, "spec.to[0].targetRef.kind", "must be one of"),
                arguments("deviation factor is a boolean", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              detectors: {successRate: {standardDeviationFactor: true}}
                        """, "spec.to[0].default.outlierDetection.detectors.successRate.standardDeviationFactor", "must be a number or a string"),
                arguments("nothing to configure", """
                        targetRef: {kind: Mesh}
                        """, "spec", "at least one of 'from', 'to' or 'rules' has to be defined"),
                arguments("unsupported top-level kind", """
                        targetRef: {kind: MeshHTTPRoute, name: route}
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            connectionLimits: {maxConnections: 2}
                        """, "spec.targetRef.kind", "not supported"),
                arguments("unsupported from kind", """
                        targetRef: {kind: MeshService, name: web}
                        from:
                        - targetRef: {kind: MeshService, name: backend}
                          default:
                            connectionLimits: {maxConnections: 2}
                        """, "spec.from[0].targetRef.kind", "not supported"),
                arguments("unsupported to kind", """
                        to:
                        - targetRef: {kind: MeshServiceSubset, name: backend, tags: {version: v1}}
                          default:
                            connectionLimits: {maxConnections: 2}
                        """, "spec.to[0].targetRef.kind", "not supported"),
                arguments("external service from a non-mesh policy", """
                        targetRef: {kind: MeshSubset, tags: {app: web}}
                        to:
                        - targetRef: {kind: MeshExternalService, name: httpbin}
                          default:
                            connectionLimits: {maxConnections: 2}
                        """, "spec.to[0].targetRef.kind", "only allowed with targetRef.kind: Mesh"),
                arguments("to without default", """
                        to:
                        - targetRef: {kind: MeshService, name: backend}
                        """, "spec.to[0].default", "'connectionLimits' or 'outlierDetection'"),
                arguments("empty rule default", """
                        rules:
                        - default: {}
                        """, "spec.rules[0].default", "'connectionLimits' or 'outlierDetection'"),
                arguments("zero max connections", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            connectionLimits: {maxConnections: 0}
                        """, "spec.to[0].default.connectionLimits.maxConnections", "greater than 0"),
                arguments("negative pending requests", """
                        from:
                        - targetRef: {kind: Mesh}
                          default:
                            connectionLimits: {maxPendingRequests: -4}
                        """, "spec.from[0].default.connectionLimits.maxPendingRequests", "greater than 0"),
                arguments("zero interval", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              interval: 0s
                              detectors: {gatewayFailures: {consecutive: 3}}
                        """, "spec.to[0].default.outlierDetection.interval", "greater than zero"),
                arguments("negative base ejection time", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              baseEjectionTime: -30s
                              detectors: {gatewayFailures: {consecutive: 3}}
                        """, "spec.to[0].default.outlierDetection.baseEjectionTime", "greater than zero"),
                arguments("ejection percent above 100", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              maxEjectionPercent: 101
                              detectors: {gatewayFailures: {consecutive: 3}}
                        """, "spec.to[0].default.outlierDetection.maxEjectionPercent", "[0, 100]"),
                arguments("no detectors", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection: {maxEjectionPercent: 100}
                        """, "spec.to[0].default.outlierDetection.detectors", "must be defined"),
                arguments("empty detectors", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              detectors: {}
                        """, "spec.to[0].default.outlierDetection.detectors", "must have at least one defined"),
                arguments("zero consecutive failures in a rule", """
                        rules:
                        - default:
                            outlierDetection:
                              detectors: {totalFailures: {consecutive: 0}}
                        """, "spec.rules[0].default.outlierDetection.detectors.totalFailures.consecutive", "greater than 0"),
                arguments("deviation factor not a number", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              detectors: {successRate: {standardDeviationFactor: "one point nine"}}
                        """, "spec.to[0].default.outlierDetection.detectors.successRate.standardDeviationFactor", "invalid number"),
                arguments("deviation factor zero", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              detectors: {successRate: {standardDeviationFactor: 0}}
                        """, "spec.to[0].default.outlierDetection.detectors.successRate.standardDeviationFactor", "greater than 0"),
                arguments("failure threshold above 100", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              detectors: {failurePercentage: {threshold: 150}}
                        """, "spec.to[0].default.outlierDetection.detectors.failurePercentage.threshold", "[0, 100]"),
                arguments("negative minimum hosts", """
                        to:
                        - targetRef: {kind: Mesh}
                          default:
                            outlierDetection:
                              detectors: {successRate: {minimumHosts: -1}}
                        """, "spec.to[0].default.outlierDetection.detectors.successRate.minimumHosts", "greater than 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDocumentReportsTheField(String name, String spec, String field, String message) {
        List<Violation> violations = PolicyFixtures.violations(document(spec));
        assertThat(violations).extracting(Violation::field).containsExactly(field);
        assertThat(violations.getFirst().message()).contains(message);
    }

    @Test
    void roundTripKeepsExactlyWhatTheUserWrote() {
        String yaml = document("""
                targetRef:
                  kind: Mesh
                to:
                - targetRef: {kind: MeshExternalService, name: httpbin}
                  default:
                    connectionLimits: {maxConnections: 2, maxConnectionPools: 3, maxPendingRequests: 8, maxRetries: 2, maxRequests: 16}
                - targetRef: {kind: MeshMultiZoneService, name: backend, namespace: kuma-demo, sectionName: http}
                  default:
                    outlierDetection:
                      disabled: false
                      interval: 5s
                      baseEjectionTime: 1m30s
                      maxEjectionPercent: 20
                      splitExternalAndLocalErrors: true
                      detectors:
                        totalFailures: {consecutive: 10}
                        gatewayFailures: {consecutive: 5}
                        localOriginFailures: {consecutive: 7}
                        successRate: {minimumHosts: 5, requestVolume: 10, standardDeviationFactor: "1.9"}
                        failurePercentage: {minimumHosts: 5, requestVolume: 10, threshold: 85}
                from:
                - targetRef: {kind: Mesh}
                  default:
                    connectionLimits: {maxRequests: 4}
                rules:
                - default:
                    outlierDetection:
                      detectors:
                        successRate: {standardDeviationFactor: 1.9}
                """);
        Resource first = PolicyFixtures.decode(yaml);
        assertThat(PolicyFixtures.violations(yaml)).isEmpty();

        JsonNode encoded = ResourceCodec.encode(first);
        Resource second = ResourceCodec.decode(ResourceCodec.parse(ResourceCodec.write(encoded, Format.JSON), Format.JSON));
        assertThat(second.spec()).isEqualTo(first.spec());
        assertThat(encoded.get("spec")).isEqualTo(ResourceCodec.parse(yaml.getBytes(UTF_8), Format.YAML).get("spec"));
    }

    @Test
    void absentListsAreNotWrittenBack() {
        Resource r = PolicyFixtures.decode(document("""
                to:
                - targetRef: {kind: Mesh}
                  default:
                    connectionLimits: {maxConnections: 1}
                """));
        JsonNode spec = ResourceCodec.encode(r).get("spec");
        assertThat(spec.has("from")).isFalse();
        assertThat(spec.has("rules")).isFalse();
        assertThat(spec.has("targetRef")).isFalse();
        assertThat(spec.get("to").get(0).get("default").get("connectionLimits").size()).isEqualTo(1);
    }

    private static String document(String spec) {
        return "type: " + TYPE + "\nname: test\nmesh: default\nspec:\n" + spec.indent(2);
    }
}
