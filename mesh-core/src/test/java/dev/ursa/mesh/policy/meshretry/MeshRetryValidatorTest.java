package dev.ursa.mesh.policy.meshretry;

import dev.ursa.mesh.policy.common.HttpHeaderMatch;
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

class MeshRetryValidatorTest {
    private static final String TYPE = "MeshRetry";

    /**
     * The unscoped form of Kuma's docs ("consumer/producer policies"): numRetries, backOff and retryOn straight under
     * default instead of under http/grpc/tcp. Kuma ignores the unknown fields and then fails "at least one of 'tcp',
     * 'http', 'grpc'"; Ursa keeps them and warns, because silently dropping a user's {@code numRetries: 0} would leave
     * retries on.
     */
    @Test
    void fullDocumentBindsEveryFieldAndRoundTrips() {
        String yaml = PolicyFixtures.document(TYPE, """
                targetRef:
                  kind: MeshSubset
                  tags:
                    kuma.io/service: web
                to:
                  - targetRef:
                      kind: MeshService
                      name: backend
                    default:
                      tcp:
                        maxConnectAttempt: 3
                      http:
                        numRetries: 0
                        perTryTimeout: 1s
                        backOff:
                          baseInterval: 25ms
                          maxInterval: 250ms
                        rateLimitedBackOff:
                          maxInterval: 5m
                          resetHeaders:
                            - name: retry-after
                              format: Seconds
                        retryOn: ["5xx", "503", HttpMethodGet]
                        retriableResponseHeaders:
                          - name: x-retry
                            type: Present
                        retriableRequestHeaders:
                          - name: x-idempotent
                            value: "yes"
                        hostSelection:
                          - predicate: OmitPreviousHosts
                          - predicate: OmitHostsWithTags
                            tags:
                              version: v1
                          - predicate: OmitPreviousPriorities
                            updateFrequency: 2
                        hostSelectionMaxAttempts: 4
                      grpc:
                        numRetries: 2
                        retryOn: [Unavailable, ResourceExhausted]
                """);
        assertThat(PolicyFixtures.violations(yaml)).isEmpty();
        var conf = ((MeshRetrySpec) PolicyFixtures.decode(yaml).spec()).to().getFirst().conf();
        assertThat(conf.tcp().maxConnectAttempt()).isEqualTo(3);
        assertThat(conf.http().numRetries()).isZero();
        assertThat(conf.http().retryOn()).containsExactly("5xx", "503", "HttpMethodGet");
        assertThat(conf.http().retriableResponseHeaders().getFirst().type()).isEqualTo(HttpHeaderMatch.Type.Present);
        assertThat(conf.http().retriableRequestHeaders().getFirst().typeOrDefault()).isEqualTo(HttpHeaderMatch.Type.Exact);
        assertThat(conf.http().rateLimitedBackOff().resetHeaders().getFirst().format()).isEqualTo(MeshRetrySpec.RateLimitFormat.Seconds);
        assertThat(conf.grpc().retryOn()).containsExactly(MeshRetrySpec.GrpcRetryOn.Unavailable, MeshRetrySpec.GrpcRetryOn.ResourceExhausted);
        PolicyFixtures.assertRoundTrip(yaml);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("unknown field in spec", """
                        from:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.from", "unknown field \"from\"")),
                bad("unknown field inside http", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                retries: 3
                        """, at("spec.to[0].default.http.retries", "unknown field")),
                bad("numRetries as a string", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                numRetries: "3"
                        """, at("spec.to[0].default.http.numRetries", "must be an integer")),
                bad("bad perTryTimeout duration", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                perTryTimeout: 1 minute
                        """, at("spec.to[0].default.http.perTryTimeout", "invalid duration")),
                bad("unknown gRPC retryOn", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              grpc:
                                retryOn: [NotFound]
                        """, at("spec.to[0].default.grpc.retryOn[0]", "must be one of")),
                bad("unknown HTTP retryOn and unknown status code", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                retryOn: ["5XX", "999"]
                        """, at("spec.to[0].default.http.retryOn[0]", "unknown item '5XX'"),
                        at("spec.to[0].default.http.retryOn[1]", "unknown item '999'")),
                bad("no to", """
                        targetRef:
                          kind: Mesh
                        """, at("spec.to", "needs at least one item")),
                bad("empty default", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default: {}
                        """, at("spec.to[0].default", "at least one of the 'tcp', 'http', 'grpc' must be specified")),
                bad("empty tcp", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              tcp: {}
                        """, at("spec.to[0].default.tcp", "must not be empty")),
                bad("empty http and grpc", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http: {}
                              grpc: {}
                        """, at("spec.to[0].default.http", "must not be empty"), at("spec.to[0].default.grpc", "must not be empty")),
                bad("empty backOff", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              grpc:
                                backOff: {}
                        """, at("spec.to[0].default.grpc.backOff", "must not be empty")),
                bad("rate-limited back-off without reset headers and zero interval", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                rateLimitedBackOff:
                                  maxInterval: 0s
                        """, at("spec.to[0].default.http.rateLimitedBackOff.maxInterval", "must be greater than zero"),
                        at("spec.to[0].default.http.rateLimitedBackOff.resetHeaders", "must be defined")),
                bad("reset header without name", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                rateLimitedBackOff:
                                  resetHeaders:
                                    - format: UnixTimestamp
                        """, at("spec.to[0].default.http.rateLimitedBackOff.resetHeaders[0].name", "must be defined")),
                bad("host selection rules", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                hostSelection:
                                  - predicate: OmitHostsWithTags
                                  - predicate: OmitPreviousPriorities
                                    updateFrequency: 1
                                  - predicate: OmitPreviousPriorities
                        """, at("spec.to[0].default.http.hostSelection[0].tags", "must be defined"),
                        at("spec.to[0].default.http.hostSelection[2].predicate", "only be specified once"),
                        at("spec.to[0].default.http.hostSelection[2].updateFrequency", "greater than zero")),
                bad("unknown host selection predicate", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                hostSelection:
                                  - predicate: OmitEverything
                        """, at("spec.to[0].default.http.hostSelection[0].predicate", "must be one of")),
                // Kuma reads status codes with Go's strconv.Atoi: ASCII digits only ("+503" and "0503" are accepted)
                bad("status code in other digits", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                retryOn: ["503", "+503", "0503", "\u0665\u0660\u0663"]
                        """, at("spec.to[0].default.http.retryOn[3]", "unknown item")),
                bad("negative retries", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                numRetries: -1
                              tcp:
                                maxConnectAttempt: -2
                        """, at("spec.to[0].default.http.numRetries", "must not be negative"),
                        at("spec.to[0].default.tcp.maxConnectAttempt", "must not be negative")),
                bad("zero base interval", """
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              http:
                                backOff:
                                  baseInterval: 0s
                        """, at("spec.to[0].default.http.backOff.baseInterval", "must be greater than zero")),
                bad("MeshService in to under a MeshGateway", """
                        targetRef:
                          kind: MeshGateway
                          name: edge
                        to:
                          - targetRef:
                              kind: MeshService
                              name: backend
                            default:
                              tcp:
                                maxConnectAttempt: 2
                        """, at("spec.to[0].targetRef.kind", "not supported")),
                bad("MeshServiceSubset in to", """
                        to:
                          - targetRef:
                              kind: MeshServiceSubset
                              name: backend
                            default:
                              tcp:
                                maxConnectAttempt: 2
                        """, at("spec.to[0].targetRef.kind", "not supported")),
                bad("MeshExternalService at the top", """
                        targetRef:
                          kind: MeshExternalService
                          name: httpbin
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              tcp:
                                maxConnectAttempt: 2
                        """, at("spec.targetRef.kind", "not supported")),
                bad("Dataplane selected by tags and name at once", """
                        targetRef:
                          kind: Dataplane
                          name: frontend-1
                          tags:
                            app: frontend
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              tcp:
                                maxConnectAttempt: 2
                        """, at("spec.targetRef.tags", "cannot be combined with name or labels")),
                bad("Dataplane sectionName on an outbound policy", """
                        targetRef:
                          kind: Dataplane
                          sectionName: http
                        to:
                          - targetRef:
                              kind: Mesh
                            default:
                              tcp:
                                maxConnectAttempt: 2
                        """, at("spec.targetRef.sectionName", "can only be used with inbound policies")));
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
