package dev.ursa.mesh.policy.meshmetric;

import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Expected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.ursa.mesh.policy.common.PolicyFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

class MeshMetricValidatorTest {
    private static final String TYPE = "MeshMetric";
    @Test
    void fullSpecBindsEveryField() {
        MeshMetricSpec spec = (MeshMetricSpec) PolicyFixtures.decode(PolicyFixtures.read(PolicyFixtures.named(TYPE, "full-spec.yaml"))).spec();
        var conf = spec.defaults();
        assertThat(conf.sidecar().profiles().appendProfiles()).extracting(MeshMetricSpec.Profile::name).containsExactly("None", "Basic");
        assertThat(conf.sidecar().profiles().exclude().getFirst().match()).isEqualTo("my_match.*");
        assertThat(conf.sidecar().includeUnused()).isTrue();
        assertThat(conf.applications().get(1).port()).isEqualTo(8000L);
        assertThat(conf.backends().getFirst().prometheus().tls().mode()).isEqualTo("ProvidedTLS");
        assertThat(conf.backends().get(1).openTelemetry().endpoint()).isEqualTo("otel-collector:4778");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("missing Prometheus config", """
                        default:
                          backends:
                            - type: Prometheus
                        """, at("spec.default.backends.backend[0].prometheus", "must be defined")),
                bad("invalid port for the Prometheus listener", """
                        default:
                          backends:
                            - type: Prometheus
                              prometheus: {port: 95599}
                        """, at("spec.default.backends.backend[0].port", "port must be a valid (1-65535)")),
                bad("zero port for the Prometheus listener", """
                        default:
                          backends:
                            - type: Prometheus
                              prometheus: {port: 0}
                        """, at("spec.default.backends.backend[0].port", "port must be a valid (1-65535)")),
                bad("invalid port for an application", """
                        default:
                          applications:
                            - port: 95599
                        """, at("spec.default.applications.application[0]", "port must be a valid (1-65535)")),
                bad("application without a port", """
                        default:
                          applications:
                            - path: /metrics
                        """, at("spec.default.applications.application[0]", "port must be a valid (1-65535)")),
                bad("invalid exclude regex", """
                        default:
                          sidecar:
                            profiles:
                              exclude:
                                - type: Regex
                                  match: "())(!("
                            includeUnused: true
                        """, at("spec.default.sidecar.profiles.exclude[0].match", "invalid regex")),
                bad("invalid include type", """
                        default:
                          sidecar:
                            profiles:
                              include:
                                - type: not_supported
                        """, at("spec.default.sidecar.profiles.include[0].type", "unrecognized type 'not_supported' - 'Regex', 'Prefix', 'Exact' are supported")),
                bad("invalid profile", """
                        default:
                          sidecar:
                            profiles:
                              appendProfiles:
                                - name: not_supported
                        """, at("spec.default.sidecar.profiles.appendProfiles[0].name", "unrecognized profile name 'not_supported' - 'All', 'None', 'Basic' are supported")),
                bad("endpoint without a port", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              openTelemetry: {endpoint: asdasd123}
                        """, at("spec.default.backends.backend[0].openTelemetry.endpoint", "must be in host:port format")),
                bad("endpoint with a URL scheme", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              openTelemetry: {endpoint: 'http://endpoint:8023'}
                        """, at("spec.default.backends.backend[0].openTelemetry.endpoint", "must be in host:port format, not a URL")),
                bad("openTelemetry with neither endpoint nor backendRef", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              openTelemetry: {}
                        """, at("spec.default.backends.backend[0].openTelemetry", "openTelemetry must have exactly one defined: endpoint, backendRef")),
                bad("openTelemetry with endpoint and backendRef", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              openTelemetry:
                                endpoint: otel-collector:4778
                                backendRef: {kind: MeshOpenTelemetryBackend, labels: {kuma.io/display-name: my-otel}}
                        """, at("spec.default.backends.backend[0].openTelemetry", "openTelemetry must have only one type defined: endpoint, backendRef")),
                bad("openTelemetry backendRef without labels", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              openTelemetry:
                                backendRef: {kind: MeshOpenTelemetryBackend}
                        """, at("spec.default.backends.backend[0].openTelemetry.backendRef", "backendRef must have exactly one defined: labels")),
                bad("openTelemetry object missing for its type", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              prometheus: {port: 5670}
                        """, at("spec.default.backends.backend[0].openTelemetry", "must be defined")),
                bad("unrecognized backend type", """
                        default:
                          backends:
                            - type: Graphite
                        """, at("spec.default.backends.backend[0]", "unrecognized type")),
                bad("unknown Prometheus TLS mode", """
                        default:
                          backends:
                            - type: Prometheus
                              prometheus: {tls: {mode: Mutual}}
                        """, at("spec.default.backends.backend[0].prometheus.tls.mode", "must be one of")),
                bad("unsupported top-level kind", """
                        targetRef:
                          kind: MeshHTTPRoute
                          name: route
                        default: {}
                        """, at("spec.targetRef.kind", "value 'MeshHTTPRoute' is not supported")),
                bad("unknown field", """
                        default:
                          sidecar:
                            regex: ".*"
                        """, at("spec.default.sidecar.regex", "unknown field")),
                bad("port written as a string", """
                        default:
                          applications:
                            - port: "8080"
                        """, at("spec.default.applications[0].port", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDocumentReportsExactField(String name, String specBody, List<Expected> expected) {
        PolicyFixtures.assertViolations(PolicyFixtures.document(TYPE, specBody), expected);
    }

    private static Arguments bad(String name, String specBody, Expected... expected) {
        return Arguments.of(name, specBody, List.of(expected));
    }
}
