package dev.ursa.mesh.policy.meshtcproute;

import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Expected;
import dev.ursa.mesh.policy.common.TargetRefKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.ursa.mesh.policy.common.PolicyFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

/** MeshTCPRoute against Kuma 2.14's validator and its validator_test.go cases (fields as Kuma reports them). */
class MeshTCPRouteValidatorTest {
    private static final String TYPE = "MeshTCPRoute";
    private static final String TO_BACKEND = """
            to:
              - targetRef:
                  kind: MeshService
                  name: backend
                rules:
                  - default:
                      backendRefs:
            """;

    @Test
    void splitBindsEveryField() {
        var spec = (MeshTCPRouteSpec) PolicyFixtures.decode(PolicyFixtures.read(PolicyFixtures.named(TYPE, "subset-split.yaml"))).spec();
        var refs = spec.to().getFirst().rules().getFirst().defaults().backendRefs();
        assertThat(refs).extracting(MeshTCPRouteSpec.BackendRef::kind).containsOnly(TargetRefKind.MeshServiceSubset);
        assertThat(refs).extracting(MeshTCPRouteSpec.BackendRef::weight).containsExactly(75, 25);
        assertThat(refs.get(1).tags()).isEqualTo(Map.of("version", "v2"));
        assertThat(spec.to().getFirst().targetRef().name()).isEqualTo("db");
    }

    /** Kuma accepts a second rule (its schema's maxItems is a Kubernetes check) and uses the first: said, not silent. */
    @Test
    void secondRuleIsAcceptedWithAWarning() {
        PolicyFixtures.assertAcceptedWithWarnings(PolicyFixtures.document(TYPE, """
                to:
                  - targetRef:
                      kind: MeshService
                      name: backend
                    rules:
                      - default:
                          backendRefs: [{kind: MeshService, name: a}]
                      - default:
                          backendRefs: [{kind: MeshService, name: b}]
                """), List.of(at("spec.to[0].rules", "only the first rule is used")));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                // Kuma's validator_test.go error cases
                bad("unsupported top-level kind", """
                        targetRef:
                          kind: BlahBlah
                          name: frontend
                        to:
                          - targetRef:
                              kind: MeshService
                              name: backend
                        """, at("spec.targetRef.kind", "")),
                bad("to kind Mesh outside a gateway", """
                        targetRef:
                          kind: MeshService
                          name: frontend
                        to:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.to[0].targetRef.kind", "value 'Mesh' is not supported")),
                bad("to kind MeshService under a gateway", """
                        targetRef:
                          kind: MeshGateway
                          name: edge
                        to:
                          - targetRef:
                              kind: MeshService
                              name: backend
                        """, at("spec.to[0].targetRef.kind", "value 'MeshService' is not supported")),
                bad("MeshServiceSubset backend without name", backends("""
                                - kind: MeshServiceSubset
                                  tags:
                                    version: v1
                        """), at("spec.to[0].rules[0].default.backendRefs[0].name", "must be set")),
                bad("MeshMultiZoneService backend without port", backends("""
                                - kind: MeshMultiZoneService
                                  name: test-server
                        """), at("spec.to[0].rules[0].default.backendRefs[0].port", "must be defined with kind MeshMultiZoneService")),
                // Kuma's rules beyond its test file
                bad("rule without backendRefs", """
                        to:
                          - targetRef:
                              kind: MeshService
                              name: backend
                            rules:
                              - default: {}
                        """, at("spec.to[0].rules[0].default.backendRefs", "must be defined")),
                bad("rule with an empty backendRefs list", TO_BACKEND.replace("backendRefs:", "backendRefs: []"),
                        at("spec.to[0].rules[0].default.backendRefs", "must be defined")),
                bad("backend kind Mesh", backends("""
                                - kind: Mesh
                        """), at("spec.to[0].rules[0].default.backendRefs[0].kind", "value 'Mesh' is not supported")),
                bad("backend kind MeshSubset", backends("""
                                - kind: MeshSubset
                                  tags: {version: v1}
                        """), at("spec.to[0].rules[0].default.backendRefs[0].kind", "value 'MeshSubset' is not supported")),
                bad("backend without kind", backends("""
                                - name: backend
                        """), at("spec.to[0].rules[0].default.backendRefs[0].kind", "must be defined")),
                bad("backend MeshService with tags", backends("""
                                - kind: MeshService
                                  name: backend
                                  tags: {version: v1}
                        """), at("spec.to[0].rules[0].default.backendRefs[0].tags", "must not be set")),
                bad("top-level MeshGateway without name", """
                        targetRef:
                          kind: MeshGateway
                        to:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.targetRef.name", "must be set")),
                bad("to without targetRef", """
                        to:
                          - rules:
                              - default:
                                  backendRefs: [{kind: MeshService, name: a}]
                        """, at("spec.to[0].targetRef", "must be defined")),
                bad("to kind MeshSubset", """
                        to:
                          - targetRef:
                              kind: MeshSubset
                              tags: {version: v1}
                        """, at("spec.to[0].targetRef.kind", "value 'MeshSubset' is not supported")),
                bad("negative weight", backends("""
                                - kind: MeshService
                                  name: backend
                                  weight: -1
                        """), at("spec.to[0].rules[0].default.backendRefs[0].weight", "must not be negative")),
                bad("port out of range", backends("""
                                - kind: MeshService
                                  name: backend
                                  port: 70000
                        """), at("spec.to[0].rules[0].default.backendRefs[0].port", "port must be in the range")),
                bad("unknown field in a rule", """
                        to:
                          - targetRef:
                              kind: MeshService
                              name: backend
                            rules:
                              - matches: []
                                default:
                                  backendRefs: [{kind: MeshService, name: a}]
                        """, at("spec.to[0].rules[0].matches", "unknown field")),
                bad("from is not a MeshTCPRoute field", """
                        from:
                          - targetRef:
                              kind: Mesh
                        """, at("spec.from", "unknown field")),
                bad("Mesh top-level with a name", """
                        targetRef:
                          kind: Mesh
                          name: default
                        to:
                          - targetRef:
                              kind: MeshService
                              name: backend
                        """, at("spec.targetRef.name", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDocumentReportsExactField(String name, String specBody, List<Expected> expected) {
        PolicyFixtures.assertViolations(PolicyFixtures.document(TYPE, specBody), expected);
    }

    /** The one rule of a route to backend, with these backendRefs items. */
    private static String backends(String items) {
        return TO_BACKEND + items.stripIndent().indent(12);
    }

    private static Arguments bad(String name, String specBody, Expected... expected) {
        return Arguments.of(name, specBody, List.of(expected));
    }
}
