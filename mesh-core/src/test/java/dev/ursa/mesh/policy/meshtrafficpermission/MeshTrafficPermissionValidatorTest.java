package dev.ursa.mesh.policy.meshtrafficpermission;

import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Expected;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.Action;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec.SpiffeIdMatchType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.ursa.mesh.policy.common.PolicyFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

class MeshTrafficPermissionValidatorTest {
    private static final String TYPE = "MeshTrafficPermission";

    @Test
    void rulesBindEveryList() {
        String yaml = PolicyFixtures.document(TYPE, """
                targetRef:
                  kind: Dataplane
                  labels:
                    app: backend
                  sectionName: http
                rules:
                  - default:
                      deny:
                        - spiffeID:
                            type: Exact
                            value: spiffe://td/ns/default/sa/legacy
                      allowWithShadowDeny:
                        - spiffeID:
                            type: Prefix
                            value: spiffe://td/ns/test/
                      allow:
                        - spiffeID:
                            type: Prefix
                            value: spiffe://td
                """);
        assertThat(PolicyFixtures.violations(yaml)).isEmpty();
        var spec = (MeshTrafficPermissionSpec) PolicyFixtures.decode(yaml).spec();
        var conf = spec.rules().getFirst().defaults();
        assertThat(conf.deny().getFirst().spiffeID().type()).isEqualTo(SpiffeIdMatchType.Exact);
        assertThat(conf.allowWithShadowDeny().getFirst().spiffeID().value()).isEqualTo("spiffe://td/ns/test/");
        assertThat(spec.from()).isEmpty();
        PolicyFixtures.assertRoundTrip(yaml);
    }

    @Test
    void fromItemExposesItsActionAsConf() {
        var spec = (MeshTrafficPermissionSpec) PolicyFixtures.decode(PolicyFixtures.document(TYPE, """
                from:
                  - targetRef:
                      kind: Mesh
                    default:
                      action: AllowWithShadowDeny
                """)).spec();
        assertThat(spec.from().getFirst().conf().action()).isEqualTo(Action.AllowWithShadowDeny);
        assertThat(spec.targetRefOrMesh().kind().name()).isEqualTo("Mesh");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("unknown field in spec", """
                        to:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.to", "unknown field \"to\"")),
                bad("unknown field inside default", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              verdict: Allow
                        """, at("spec.from[0].default.verdict", "unknown field")),
                bad("unknown action", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              action: Permit
                        """, at("spec.from[0].default.action", "must be one of [Allow, Deny, AllowWithShadowDeny]")),
                bad("action in lower case", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              action: allow
                        """, at("spec.from[0].default.action", "must be one of")),
                bad("action as a list", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              action: [Allow]
                        """, at("spec.from[0].default.action", "wrong value type")),
                bad("unknown spiffeID match type", """
                        rules:
                          - default:
                              allow:
                                - spiffeID:
                                    type: Suffix
                                    value: spiffe://td/ns/a
                        """, at("spec.rules[0].default.allow[0].spiffeID.type", "must be one of [Exact, Prefix]")),
                bad("neither from nor rules", """
                        targetRef:
                          kind: Mesh
                        """, at("spec", "at least one of 'from' or 'rules' has to be defined")),
                bad("from mixed with rules", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              action: Allow
                        rules:
                          - default:
                              deny:
                                - spiffeID:
                                    type: Exact
                                    value: spiffe://td/x
                        """, at("spec", "field 'from' must be empty when 'rules' is defined")),
                bad("from without action", """
                        from:
                          - targetRef:
                              kind: Mesh
                            default: {}
                        """, at("spec.from[0].default.action", "must be defined")),
                bad("from without default", """
                        from:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.from[0].default.action", "must be defined")),
                bad("rule with no list", """
                        rules:
                          - default: {}
                        """, at("spec.rules[0]", "at least one of 'allow', 'allowWithShadowDeny', 'deny' has to be defined")),
                bad("MeshGateway in from", """
                        from:
                          - targetRef:
                              kind: MeshGateway
                              name: edge
                            default:
                              action: Allow
                        """, at("spec.from[0].targetRef.kind", "not supported")),
                bad("MeshHTTPRoute at the top", """
                        targetRef:
                          kind: MeshHTTPRoute
                          name: r
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              action: Deny
                        """, at("spec.targetRef.kind", "not supported")),
                bad("MeshSubset with a bad tag value", """
                        from:
                          - targetRef:
                              kind: MeshSubset
                              tags:
                                kuma.io/zone: "us east"
                            default:
                              action: Allow
                        """, at("spec.from[0].targetRef.tags[\"kuma.io/zone\"]", "tag value must consist of")),
                bad("Mesh with a name", """
                        from:
                          - targetRef:
                              kind: Mesh
                              name: default
                            default:
                              action: Allow
                        """, at("spec.from[0].targetRef.name", "not yet supported")),
                bad("Dataplane with labels and name", """
                        targetRef:
                          kind: Dataplane
                          name: dp-1
                          labels:
                            app: web
                        from:
                          - targetRef:
                              kind: Mesh
                            default:
                              action: Allow
                        """, at("spec.targetRef.labels", "either labels or name and namespace")),
                bad("spiffeID that is not a SPIFFE ID", """
                        rules:
                          - default:
                              deny:
                                - spiffeID:
                                    type: Exact
                                    value: https://td/ns/a
                        """, at("spec.rules[0].default.deny[0].spiffeID", "must be a valid SPIFFE ID")),
                bad("exact spiffeID with a trailing slash", """
                        rules:
                          - default:
                              allow:
                                - spiffeID:
                                    type: Exact
                                    value: spiffe://td/ns/a/
                        """, at("spec.rules[0].default.allow[0].spiffeID", "must be a valid SPIFFE ID")),
                bad("spiffeID without type and value", """
                        rules:
                          - default:
                              allowWithShadowDeny:
                                - spiffeID: {}
                        """, at("spec.rules[0].default.allowWithShadowDeny[0].spiffeID.type", "must be set"),
                        at("spec.rules[0].default.allowWithShadowDeny[0].spiffeID.value", "must be set")),
                bad("match without spiffeID", """
                        rules:
                          - default:
                              deny:
                                - {}
                        """, at("spec.rules[0].default.deny[0].spiffeID", "must be defined")),
                bad("from item without targetRef", """
                        from:
                          - default:
                              action: Allow
                        """, at("spec.from[0].targetRef", "must be defined")));
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
