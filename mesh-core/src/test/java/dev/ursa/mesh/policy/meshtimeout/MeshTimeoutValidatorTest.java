package dev.ursa.mesh.policy.meshtimeout;

import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Expected;
import dev.ursa.mesh.policy.common.TargetRefKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.ursa.mesh.policy.common.PolicyFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

class MeshTimeoutValidatorTest {
    private static final String TYPE = "MeshTimeout";

    /**
     * Accepted but warned about: every-service-unnamed.yaml selects {@code kind: MeshService} with neither name nor
     * labels (a form from Kuma's docs), which Ursa treats as every service.
     */
    @Test
    void fullDocumentRoundTripsAndBindsEveryField() {
        String yaml = PolicyFixtures.document(TYPE, """
                targetRef:
                  kind: MeshSubset
                  tags:
                    kuma.io/service: web
                to:
                  - targetRef:
                      kind: MeshService
                      name: backend
                      namespace: ns
                      sectionName: http
                    default:
                      connectionTimeout: 1m30s
                      idleTimeout: 0s
                      http:
                        requestTimeout: 500ms
                        streamIdleTimeout: 1h
                        maxStreamDuration: 2h
                        maxConnectionDuration: 3h
                        requestHeadersTimeout: 10ms
                from:
                  - targetRef:
                      kind: Mesh
                    default:
                      idleTimeout: 20s
                """);
        assertThat(PolicyFixtures.violations(yaml)).isEmpty();
        MeshTimeoutSpec spec = (MeshTimeoutSpec) PolicyFixtures.decode(yaml).spec();
        assertThat(spec.targetRef().kind()).isEqualTo(TargetRefKind.MeshSubset);
        MeshTimeoutSpec.Conf conf = spec.to().getFirst().conf();
        assertThat(conf.connectionTimeout()).isEqualTo(KumaDuration.of("1m30s"));
        assertThat(conf.connectionTimeout().value()).hasSeconds(90);
        assertThat(conf.http().requestHeadersTimeout().value().toMillis()).isEqualTo(10);
        assertThat(spec.from().getFirst().conf().http()).isNull();
        assertThat(spec.rules()).isNull();
        assertRoundTrip(yaml);
    }

    static void assertRoundTrip(String yaml) {
        PolicyFixtures.assertRoundTrip(yaml);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("unknown field in spec", """
                        tos:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.tos", "unknown field \"tos\"")),
                bad("unknown field inside default", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              timeout: 5s
                        """, at("spec.to[0].default.timeout", "unknown field")),
                bad("number where a duration is expected", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              idleTimeout: 10
                        """, at("spec.to[0].default.idleTimeout", "duration")),
                bad("unparsable duration", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                requestTimeout: 10 seconds
                        """, at("spec.to[0].default.http.requestTimeout", "invalid duration")),
                bad("unknown targetRef kind", """
                        to:
                          - targetRef:
                              kind: MeshGatewayRoute
                            default:
                              idleTimeout: 1s
                        """, at("spec.to[0].targetRef.kind", "must be one of")),
                bad("to written as an object", """
                        to:
                          targetRef:
                            kind: Mesh
                        """, at("spec.to", "wrong value type")),
                bad("neither from, to nor rules", """
                        targetRef:
                          kind: Mesh
                        """, at("spec", "at least one of 'from', 'to' or 'rules' has to be defined")),
                bad("rules mixed with to", """
                        targetRef:
                          kind: Mesh
                        rules:
                          - default:
                              connectionTimeout: 10s
                        to:
                          - targetRef:
                              kind: MeshService
                              name: web-backend
                            default:
                              connectionTimeout: 10s
                        """, at("spec", "fields 'to' and 'from' must be empty when 'rules' is defined")),
                bad("rules mixed with from", """
                        rules:
                          - default:
                              connectionTimeout: 10s
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              connectionTimeout: 10s
                        """, at("spec", "fields 'to' and 'from' must be empty when 'rules' is defined")),
                bad("MeshServiceSubset in to", """
                        to:
                          - targetRef:
                              kind: MeshServiceSubset
                              name: web
                            default:
                              http:
                                requestTimeout: 1s
                        """, at("spec.to[0].targetRef.kind", "not supported")),
                bad("MeshService in from", """
                        from:
                          - targetRef:
                              kind: MeshService
                              name: web
                            default:
                              idleTimeout: 1s
                        """, at("spec.from[0].targetRef.kind", "not supported")),
                bad("no timeout in default", """
                        to:
                          - targetRef:
                              kind: MeshService
                              name: web-backend
                        """, at("spec.to[0].default", "at least one timeout should be configured")),
                bad("negative idle timeout", """
                        to:
                          - targetRef:
                              kind: MeshService
                              name: web-backend
                            default:
                              idleTimeout: -1s
                        """, at("spec.to[0].default.idleTimeout", "must not be negative")),
                bad("zero connection timeout", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              connectionTimeout: 0s
                        """, at("spec.to[0].default.connectionTimeout", "must be greater than zero")),
                bad("negative connection and request timeouts", """
                        to:
                          - targetRef:
                              kind: MeshService
                              name: web-backend
                            default:
                              connectionTimeout: -1s
                              http:
                                requestTimeout: -10s
                        """, at("spec.to[0].default.connectionTimeout", "must be greater than zero"),
                        at("spec.to[0].default.http.requestTimeout", "must not be negative")),
                bad("empty http section", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http: {}
                        """, at("spec.to[0].default.http", "at least one timeout in this section should be configured")),
                bad("connection-level timeouts on a MeshHTTPRoute", """
                        targetRef:
                          kind: MeshHTTPRoute
                          name: route-1
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              connectionTimeout: 10s
                              idleTimeout: 1h
                              http:
                                requestTimeout: 1s
                                maxStreamDuration: 1h
                                maxConnectionDuration: 1h
                        """,
                        at("spec.to[0].default.connectionTimeout", "MeshHTTPRoute"),
                        at("spec.to[0].default.idleTimeout", "MeshHTTPRoute"),
                        at("spec.to[0].default.http.maxStreamDuration", "MeshHTTPRoute"),
                        at("spec.to[0].default.http.maxConnectionDuration", "MeshHTTPRoute")),
                bad("from on a MeshGateway", """
                        targetRef:
                          kind: MeshGateway
                          name: gateway-1
                        to:
                          - targetRef:
                              kind: MeshService
                              name: web-backend
                            default:
                              idleTimeout: 1h
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              connectionTimeout: 11s
                        """, at("spec.from", "must not be defined"), at("spec.to[0].targetRef.kind", "not supported")),
                bad("unsupported top-level kind", """
                        targetRef:
                          kind: MeshExternalService
                          name: httpbin
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              idleTimeout: 1h
                        """, at("spec.targetRef.kind", "not supported")),
                bad("Dataplane sectionName on an outbound policy", """
                        targetRef:
                          kind: Dataplane
                          labels:
                            app: web
                          sectionName: http
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              idleTimeout: 1h
                        """, at("spec.targetRef.sectionName", "can only be used with inbound policies")),
                bad("MeshService with both labels and name", """
                        to:
                          - targetRef:
                              kind: MeshService
                              name: backend
                              labels:
                                app: backend
                            default:
                              idleTimeout: 1h
                        """, at("spec.to[0].targetRef.labels", "either labels or name")),
                bad("MeshExternalService with both labels and name", """
                        to:
                          - targetRef:
                              kind: MeshExternalService
                              name: web-backend
                              labels:
                                kuma.io/display-name: web-backend
                            default:
                              connectionTimeout: 10s
                        """, at("spec.to[0].targetRef.labels", "either labels or name")),
                bad("negative duration in an inbound rule", """
                        targetRef:
                          kind: Dataplane
                          labels:
                            app: web
                        rules:
                          - default:
                              http:
                                maxStreamDuration: -1m
                        """, at("spec.rules[0].default.http.maxStreamDuration", "must not be negative")),
                // found by AcceptedResourcesRenderPropertyTest: {} bound to the duration record's components (a null
                // value) and the validator threw a NullPointerException (a 500) instead of reporting the field
                bad("duration written as an object", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                requestTimeout: 1s
                                maxStreamDuration: {}
                        """, at("spec.to[0].default.http.maxStreamDuration", "wrong value type: must be a duration like \"10s\"")),
                bad("duration written as an object of its Java fields", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              idleTimeout: {text: 1s, value: PT1S}
                        """, at("spec.to[0].default.idleTimeout", "must be a duration like")),
                bad("to item without targetRef", """
                        to:
                          - default:
                              idleTimeout: 1h
                        """, at("spec.to[0].targetRef", "must be defined")),
                bad("bad listener tag on MeshGateway", """
                        targetRef:
                          kind: MeshGateway
                          name: edge
                          tags:
                            port: "http 80"
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              idleTimeout: 1h
                        """, at("spec.targetRef.tags[\"port\"]", "tag value must consist of")));
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
