package dev.ursa.mesh.policy.meshtrace;

import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Expected;
import dev.ursa.mesh.policy.meshtrace.MeshTraceSpec.BackendType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;

import static dev.ursa.mesh.policy.common.PolicyFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

class MeshTraceValidatorTest {
    private static final String TYPE = "MeshTrace";

    @Test
    void fullDocumentBindsEveryField() {
        String yaml = PolicyFixtures.read(PolicyFixtures.named(TYPE, "zipkin-mesh-wide.yaml"));
        MeshTraceSpec spec = (MeshTraceSpec) PolicyFixtures.decode(yaml).spec();
        var conf = spec.defaults();
        assertThat(conf.backends().getFirst().type()).isEqualTo(BackendType.Zipkin);
        assertThat(conf.backends().getFirst().zipkin().url()).isEqualTo("http://jaeger-collector:9411/api/v2/spans");
        assertThat(conf.backends().getFirst().zipkin().sharedSpanContextOrDefault()).isTrue(); // Kuma's schema default
        assertThat(conf.sampling().overall().decimal()).contains(BigDecimal.valueOf(80));
        assertThat(conf.tags().get(1).header().defaultValue()).isEqualTo("prod");
        assertThat(conf.tags().get(0).literal()).isEqualTo("core");
    }

    @Test
    void backendWithoutTypeIsReadFromTheOneGivenAndWarned() {
        String yaml = PolicyFixtures.document(TYPE, """
                default:
                  backends:
                    - zipkin:
                        url: http://zipkin:9411/api/v2/spans
                """);
        PolicyFixtures.assertAcceptedWithWarnings(yaml, List.of(at("spec.default.backends[0].type", "read as Zipkin")));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("no default", """
                        targetRef:
                          kind: MeshService
                          name: backend
                        """, at("spec.default.backends", "must be defined")),
                bad("multiple backends", """
                        default:
                          backends:
                            - type: Zipkin
                              zipkin: {url: http://jaeger-collector:9411/api/v2/spans}
                            - type: Datadog
                              datadog: {url: http://127.0.0.1:8126}
                        """, at("spec.default.backends", "must have zero or one backend defined")),
                bad("no url for zipkin", """
                        default:
                          backends:
                            - type: Zipkin
                              zipkin: {apiVersion: httpJson}
                        """, at("spec.default.backends[0].zipkin.url", "must not be empty")),
                bad("invalid url for zipkin", """
                        default:
                          backends:
                            - type: Zipkin
                              zipkin: {url: not_valid_url}
                        """, at("spec.default.backends[0].zipkin.url", "must be a valid url")),
                bad("zipkin url Kuma cannot render", """
                        default:
                          backends:
                            - type: Zipkin
                              zipkin: {url: jaeger-collector.com}
                        """, at("spec.default.backends[0].zipkin.url", "must be an absolute URL with the collector's path")),
                bad("zipkin url without a path", """
                        default:
                          backends:
                            - type: Zipkin
                              zipkin: {url: 'http://zipkin:9411'}
                        """, at("spec.default.backends[0].zipkin.url", "must be an absolute URL with the collector's path")),
                bad("unknown zipkin apiVersion", """
                        default:
                          backends:
                            - type: Zipkin
                              zipkin: {url: 'http://zipkin:9411/api/v2/spans', apiVersion: thrift}
                        """, at("spec.default.backends[0].zipkin.apiVersion", "must be one of: httpJson, httpProto")),
                bad("invalid url for datadog", """
                        default:
                          backends:
                            - type: Datadog
                              datadog: {url: not_valid_url}
                        """, at("spec.default.backends[0].datadog.url", "must be a valid url")),
                bad("no port for datadog", """
                        default:
                          backends:
                            - type: Datadog
                              datadog: {url: 'http://intake.datadoghq.eu'}
                        """, at("spec.default.backends[0].datadog.url", "port must be defined")),
                bad("invalid port for datadog", """
                        default:
                          backends:
                            - type: Datadog
                              datadog: {url: 'http://intake.datadoghq.eu:999999'}
                        """, at("spec.default.backends[0].datadog.url", "port must be a valid (1-65535)")),
                bad("invalid scheme for datadog", """
                        default:
                          backends:
                            - type: Datadog
                              datadog: {url: 'https://intake.datadoghq.eu:443'}
                        """, at("spec.default.backends[0].datadog.url", "scheme must be http")),
                bad("path for datadog", """
                        default:
                          backends:
                            - type: Datadog
                              datadog: {url: 'http://intake.datadoghq.eu:443/api'}
                        """, at("spec.default.backends[0].datadog.url", "path must not be defined")),
                bad("tags missing names", """
                        default:
                          backends: []
                          tags:
                            - literal: a
                            - name: ""
                              header: {name: x-b}
                        """, at("spec.default.tags[0].name", "must not be empty"), at("spec.default.tags[1].name", "must not be empty")),
                bad("tag with neither header nor literal", """
                        default:
                          backends: []
                          tags:
                            - name: example
                        """, at("spec.default.tags[0]", "tag must have only one type defined: header, literal")),
                bad("tag with header and literal", """
                        default:
                          backends: []
                          tags:
                            - name: example
                              literal: a
                              header: {name: x-a}
                        """, at("spec.default.tags[0]", "tag must have only one type defined: header, literal")),
                bad("sampling out of range", """
                        default:
                          backends: []
                          sampling: {overall: 101, client: -1}
                        """, at("spec.default.sampling.client", "must be between 0 and 100"),
                        at("spec.default.sampling.overall", "must be between 0 and 100")),
                bad("sampling strings that are no numbers", """
                        default:
                          backends: []
                          sampling: {overall: xyz, client: xyz, random: xyz}
                        """, at("spec.default.sampling.client", "string is not a number"),
                        at("spec.default.sampling.random", "string is not a number"),
                        at("spec.default.sampling.overall", "string is not a number")),
                bad("sampling fraction written as a number", """
                        default:
                          backends: []
                          sampling: {overall: 50.5}
                        """, at("spec.default.sampling.overall", "write a fraction as a string")),
                bad("backend objects missing for their type", """
                        default:
                          backends:
                            - type: Datadog
                        """, at("spec.default.backends[0].datadog", "must be defined")),
                bad("zipkin object missing", """
                        default:
                          backends:
                            - type: Zipkin
                        """, at("spec.default.backends[0].zipkin", "must be defined")),
                bad("openTelemetry object missing", """
                        default:
                          backends:
                            - type: OpenTelemetry
                        """, at("spec.default.backends[0].openTelemetry", "must be defined")),
                bad("openTelemetry with neither endpoint nor backendRef", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              openTelemetry: {}
                        """, at("spec.default.backends[0].openTelemetry", "openTelemetry must have exactly one defined: endpoint, backendRef")),
                bad("openTelemetry endpoint written as a URL", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              openTelemetry: {endpoint: 'http://otel-collector:4317'}
                        """, at("spec.default.backends[0].openTelemetry.endpoint", "must be in host:port format, not a URL")),
                bad("openTelemetry with endpoint and backendRef", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              openTelemetry:
                                endpoint: otel:4317
                                backendRef: {kind: MeshOpenTelemetryBackend, labels: {a: b}}
                        """, at("spec.default.backends[0].openTelemetry", "openTelemetry must have only one type defined: endpoint, backendRef")),
                bad("openTelemetry backendRef without labels", """
                        default:
                          backends:
                            - type: OpenTelemetry
                              openTelemetry:
                                backendRef: {kind: MeshOpenTelemetryBackend}
                        """, at("spec.default.backends[0].openTelemetry.backendRef", "backendRef must have exactly one defined: labels")),
                bad("gateway listener tags", """
                        targetRef:
                          kind: MeshGateway
                          name: gateway
                          tags: {listener: main}
                        default:
                          backends: []
                        """, at("spec.targetRef.tags", "must not be set with kind MeshGateway")),
                bad("unsupported top-level kind", """
                        targetRef:
                          kind: MeshHTTPRoute
                          name: route
                        default:
                          backends: []
                        """, at("spec.targetRef.kind", "value 'MeshHTTPRoute' is not supported")),
                bad("to is no MeshTrace field", """
                        to:
                          - targetRef: {kind: Mesh}
                        default:
                          backends: []
                        """, at("spec.to", "unknown field")),
                bad("unknown backend type", """
                        default:
                          backends:
                            - type: Jaeger
                        """, at("spec.default.backends[0].type", "")));
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
