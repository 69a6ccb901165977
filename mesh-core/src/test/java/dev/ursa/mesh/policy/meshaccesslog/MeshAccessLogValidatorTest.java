package dev.ursa.mesh.policy.meshaccesslog;

import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.policy.common.OtelRules;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Expected;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.BackendType;
import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogSpec.FormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.ursa.mesh.policy.common.PolicyFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

class MeshAccessLogValidatorTest {
    private static final String TYPE = "MeshAccessLog";
    @Test
    void freeFormOpenTelemetryBodyKeepsTheUsersExplicitNull() {
        // Kuma keeps the raw JSON of an OpenTelemetry body, so "kvlistValue: null" is written back as the user wrote it.
        var written = ResourceCodec.encode(PolicyFixtures.decode(PolicyFixtures.read(PolicyFixtures.named(TYPE, "multiple-backends.yaml"))));
        assertThat(written.at("/spec/rules/0/default/backends/2/openTelemetry/body/kvlistValue").isNull()).isTrue();
    }

    @Test
    void fullDocumentBindsEveryField() {
        String yaml = PolicyFixtures.document(TYPE, """
                targetRef:
                  kind: Dataplane
                  labels:
                    app: web
                  sectionName: http
                rules:
                  - matches:
                      - spiffeID:
                          type: Prefix
                          value: spiffe://default/ns/a
                      - sni:
                          type: Exact
                          value: backend.mesh
                    default:
                      backends:
                        - type: File
                          file:
                            path: /tmp/in.log
                            format:
                              type: Plain
                              plain: '[%START_TIME%] %KUMA_MESH%'
                              omitEmptyValues: true
                        - type: OpenTelemetry
                          openTelemetry:
                            endpoint: otel-collector:4317
                            body:
                              kvlistValue:
                                values:
                                  - key: mesh
                                    value:
                                      stringValue: '%KUMA_MESH%'
                            attributes:
                              - key: service.version
                                value: '%KUMA_MESH%'
                """);
        assertThat(PolicyFixtures.violations(yaml)).isEmpty();
        // rules with matches are not applied yet: said, not silently ignored
        assertThat(PolicyFixtures.warnings(yaml)).singleElement()
                .satisfies(w -> assertThat(w.field()).isEqualTo("spec.rules[0].matches"));
        MeshAccessLogSpec spec = (MeshAccessLogSpec) PolicyFixtures.decode(yaml).spec();
        var rule = spec.rulesOrEmpty().getFirst();
        assertThat(rule.matchesOrEmpty()).hasSize(2);
        assertThat(rule.defaults().backends().getFirst().type()).isEqualTo(BackendType.File);
        assertThat(rule.defaults().backends().getFirst().file().format().effectiveType()).isEqualTo(FormatType.Plain);
        assertThat(rule.defaults().backends().getFirst().file().format().omitEmpty()).isTrue();
        var otel = rule.defaults().backends().get(1).openTelemetry();
        assertThat(otel.body().at("/kvlistValue/values/0/value/stringValue").asText()).isEqualTo("%KUMA_MESH%");
        assertThat(otel.attributesOrEmpty().getFirst().key()).isEqualTo("service.version");
        PolicyFixtures.assertRoundTrip(yaml);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("neither from, to nor rules", """
                        targetRef:
                          kind: Mesh
                        """, at("spec", "at least one of 'from', 'to' or 'rules' has to be defined")),
                bad("empty file path", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                  file:
                                    format:
                                      type: Plain
                                      plain: '{"start_time": "%START_TIME%"}'
                        """, at("spec.from[0].default.backends[0].file.path", "file backend requires a valid path")),
                bad("relative file path", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                  file:
                                    path: '#not_valid'
                        """, at("spec.from[0].default.backends[0].file.path", "file backend requires a valid path")),
                bad("empty json key", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                  file:
                                    path: /tmp/logs.txt
                                    format:
                                      type: Json
                                      json:
                                        - value: "%START_TIME%"
                        """, at("spec.from[0].default.backends[0].file.format.json[0].key", "key cannot be empty")),
                bad("empty json value", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                  file:
                                    path: /tmp/logs.txt
                                    format:
                                      type: Json
                                      json:
                                        - key: start_time
                        """, at("spec.from[0].default.backends[0].file.format.json[0].value", "value cannot be empty")),
                bad("json key that breaks the object", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                  file:
                                    path: /tmp/logs.txt
                                    format:
                                      type: Json
                                      json:
                                        - key: '"'
                                          value: "%START_TIME%"
                        """, at("spec.from[0].default.backends[0].file.format.json[0]", "is not a valid JSON object")),
                bad("default missing in to", """
                        to:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.to[0].default.backends", "must be defined")),
                bad("default missing in from", """
                        from:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.from[0].default.backends", "must be defined")),
                bad("sectionName on an outbound policy", """
                        targetRef:
                          kind: Dataplane
                          sectionName: test
                        to:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.targetRef.sectionName", "can only be used with inbound policies"),
                        at("spec.to[0].default.backends", "must be defined")),
                bad("from mixed with rules", """
                        from:
                          - targetRef:
                              kind: Mesh
                        rules:
                          - default:
                              backends:
                                - type: Tcp
                                  tcp:
                                    address: google.com
                        """, at("spec", "fields 'to' and 'from' must be empty when 'rules' is defined"),
                        at("spec.from[0].default.backends", "must be defined")),
                bad("tcp address that is no URL", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: Tcp
                                  tcp:
                                    address: not_valid_url
                        """, at("spec.from[0].default.backends[0].tcp.address", "tcp backend requires valid address")),
                bad("empty json lists", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                  file:
                                    path: /tmp/logs.txt
                                    format:
                                      type: Json
                                      json: []
                                - type: Tcp
                                  tcp:
                                    address: http://logs.com
                                    format:
                                      type: Json
                                      json: []
                        """, at("spec.from[0].default.backends[0].file.format.json", "must not be empty"),
                        at("spec.from[0].default.backends[1].tcp.format.json", "must not be empty")),
                bad("empty plain formats", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                  file:
                                    path: /tmp/logs.txt
                                    format:
                                      type: Plain
                                      plain: ""
                                - type: Tcp
                                  tcp:
                                    address: http://logs.com
                                    format:
                                      type: Plain
                                      plain: ""
                        """, at("spec.from[0].default.backends[0].file.format.plain", "must not be empty"),
                        at("spec.from[0].default.backends[1].tcp.format.plain", "must not be empty")),
                bad("backend objects missing for their type", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                - type: Tcp
                                - type: OpenTelemetry
                        """, at("spec.from[0].default.backends[0].file", "must be defined"),
                        at("spec.from[0].default.backends[1].tcp", "must be defined"),
                        at("spec.from[0].default.backends[2].openTelemetry", "must be defined")),
                bad("format without its value", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                  file:
                                    path: /tmp/logs.txt
                                    format:
                                      type: Plain
                                - type: Tcp
                                  tcp:
                                    address: http://logs.com
                                    format:
                                      type: Json
                        """, at("spec.from[0].default.backends[0].file.format.plain", "must be defined"),
                        at("spec.from[0].default.backends[1].tcp.format.json", "must be defined")),
                bad("openTelemetry with neither endpoint nor backendRef", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: OpenTelemetry
                                  openTelemetry:
                                    endpoint: ""
                        """, at("spec.from[0].default.backends[0].openTelemetry", "openTelemetry must have exactly one defined: endpoint, backendRef")),
                bad("openTelemetry with endpoint and backendRef", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: OpenTelemetry
                                  openTelemetry:
                                    endpoint: otel-collector:4317
                                    backendRef:
                                      kind: MeshOpenTelemetryBackend
                                      labels:
                                        kuma.io/display-name: my-otel
                        """, at("spec.from[0].default.backends[0].openTelemetry", "openTelemetry must have only one type defined: endpoint, backendRef")),
                bad("openTelemetry backendRef without labels", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: OpenTelemetry
                                  openTelemetry:
                                    backendRef:
                                      kind: MeshOpenTelemetryBackend
                        """, at("spec.from[0].default.backends[0].openTelemetry.backendRef", "backendRef must have exactly one defined: labels")),
                bad("openTelemetry backendRef of another kind", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: OpenTelemetry
                                  openTelemetry:
                                    backendRef:
                                      kind: MeshService
                                      labels:
                                        app: otel
                        """, at("spec.to[0].default.backends[0].openTelemetry.backendRef.kind", "\"kind\" must be one of [\"MeshOpenTelemetryBackend\"]")),
                bad("openTelemetry endpoint written as a URL", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: OpenTelemetry
                                  openTelemetry:
                                    endpoint: http://otel-collector:4317/v1/logs
                        """, at("spec.to[0].default.backends[0].openTelemetry.endpoint", "must be in host:port format, not a URL")),
                bad("openTelemetry attribute keys", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: OpenTelemetry
                                  openTelemetry:
                                    endpoint: otel-collector:4317
                                    attributes:
                                      - key: "bad key"
                                        value: "%KUMA_MESH%"
                                      - key: "%KUMA_ZONE%"
                                        value: "%KUMA_ZONE%"
                                      - key: otel.attribute
                                        value: x
                        """, at("spec.from[0].default.backends[0].openTelemetry.attributes[0].key", OtelRules.MUST_MATCH_FORMAT),
                        at("spec.from[0].default.backends[0].openTelemetry.attributes[1].key", OtelRules.MUST_BE_STATIC),
                        at("spec.from[0].default.backends[0].openTelemetry.attributes[2].key", OtelRules.MUST_NOT_USE_RESERVED_PREFIX)),
                bad("MeshGateway with a MeshService in to", """
                        targetRef:
                          kind: MeshGateway
                          name: edge-gateway
                        to:
                          - targetRef:
                              kind: MeshService
                              name: web-backend
                            default:
                              backends:
                                - type: File
                                  file:
                                    path: /tmp/logs.txt
                        """, at("spec.to[0].targetRef.kind", "value 'MeshService' is not supported")),
                bad("unsupported top-level kind", """
                        targetRef:
                          kind: MeshHTTPRoute
                          name: route
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends: []
                        """, at("spec.targetRef.kind", "value 'MeshHTTPRoute' is not supported")),
                bad("MeshService in from", """
                        from:
                          - targetRef:
                              kind: MeshService
                              name: web
                            default:
                              backends: []
                        """, at("spec.from[0].targetRef.kind", "value 'MeshService' is not supported")),
                bad("unknown backend type", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: Syslog
                        """, at("spec.to[0].default.backends[0].type", "")),
                bad("backend without type and without any backend object", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - {}
                        """, at("spec.to[0].default.backends[0].type", "must be defined")),
                bad("unknown field in a file backend", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              backends:
                                - type: File
                                  file:
                                    path: /tmp/a.log
                                    rotate: true
                        """, at("spec.to[0].default.backends[0].file.rotate", "unknown field")),
                bad("rule matches with a bad SPIFFE ID and SNI", """
                        rules:
                          - matches:
                              - spiffeID:
                                  type: Exact
                                  value: not-a-spiffe-id
                              - sni:
                                  type: Prefix
                                  value: Bad_Name
                            default:
                              backends: []
                        """, at("spec.rules[0].matches[0].spiffeID", "must be a valid Spiffe ID"),
                        at("spec.rules[0].matches[1].sni.type", "unrecognized type \"Prefix\", supported values are: Exact"),
                        at("spec.rules[0].matches[1].sni.value", "RFC 1123 subdomain")));
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
