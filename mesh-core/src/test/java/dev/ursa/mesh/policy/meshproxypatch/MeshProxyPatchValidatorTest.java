package dev.ursa.mesh.policy.meshproxypatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.policy.common.PolicyFixtures.Expected;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchSpec.JsonPatchBlock;
import dev.ursa.mesh.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.ursa.mesh.policy.common.PolicyFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MeshProxyPatch against Kuma 2.14's validator: the cases of its validator_test.go ({@code
 * kuma-validator-testdata/MeshProxyPatch}: each invalid document's exact violations, in Kuma's order; the valid ones
 * accepted), more invalid documents one rule each, and the team's fixtures accepted and round-tripped.
 */
class MeshProxyPatchValidatorTest {
    private static final String TYPE = "MeshProxyPatch";
    private static final Path KUMA_CASES = Path.of("src", "test", "resources", "kuma-validator-testdata", TYPE);
    /** Kuma's messages for a value that does not parse quote Go's parser; Ursa quotes Java's after the same prefix. */
    private static final String NOT_VALID = "native Envoy resource is not valid: ";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"empty-modification", "invalid-cluster-modifications", "invalid-listener-modifications",
            "invalid-network-filter-operation", "invalid-http-filter-operation", "invalid-virtual-host-operation",
            "multiple-types-in-one-modification"})
    void kumaInvalidCaseGivesKumasViolations(String name) throws IOException {
        List<Violation> actual = PolicyFixtures.violations(PolicyFixtures.document(TYPE, Files.readString(KUMA_CASES.resolve(name + ".input.yaml"))));
        List<Violation> expected = kumaViolations(name);
        assertThat(actual).extracting(Violation::field).containsExactlyElementsOf(expected.stream().map(Violation::field).toList());
        for (int i = 0; i < expected.size(); i++) {
            Violation e = expected.get(i);
            if (e.message().startsWith(NOT_VALID)) {
                assertThat(actual.get(i).message()).as(e.field()).startsWith(NOT_VALID).hasSizeGreaterThan(NOT_VALID.length());
            } else {
                assertThat(actual.get(i).message()).as(e.field()).isEqualTo(e.message());
            }
        }
    }

    @Test
    void kumaUnknownTargetRefKindIsRefusedAtItsField() throws IOException {
        // Kuma decodes any kind and its validator refuses it; Ursa's decoder refuses an unknown kind at the same field
        List<Violation> actual = PolicyFixtures.violations(PolicyFixtures.document(TYPE, Files.readString(KUMA_CASES.resolve("invalid-target-ref.input.yaml"))));
        assertThat(actual).extracting(Violation::field).containsExactlyElementsOf(kumaViolations("invalid-target-ref").stream().map(Violation::field).toList());
        assertThat(actual.getFirst().message()).contains("Unknown");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"valid-cluster-modifications", "valid-listener-modifications", "valid-network-filter-modifications",
            "valid-http-filter-modifications", "valid-modifications-for-meshgateway"})
    void kumaValidCaseIsAcceptedAndRoundTrips(String name) throws IOException {
        String doc = PolicyFixtures.document(TYPE, Files.readString(KUMA_CASES.resolve(name + ".input.yaml")));
        PolicyFixtures.assertAcceptedWithWarnings(doc, List.of());
        PolicyFixtures.assertRoundTrip(doc);
    }

    private static List<Violation> kumaViolations(String name) throws IOException {
        JsonNode violations = PolicyFixtures.parse(Files.readString(KUMA_CASES.resolve(name + ".output.yaml"))).path("violations");
        List<Violation> out = new java.util.ArrayList<>();
        violations.forEach(v -> out.add(new Violation(v.get("field").asText(), v.get("message").asText())));
        assertThat(out).isNotEmpty();
        return out;
    }

    @Test
    void jsonPatchesBindEveryField() {
        var spec = (MeshProxyPatchSpec) PolicyFixtures.decode(PolicyFixtures.read(PolicyFixtures.named(TYPE, "gateway-json-patches.yaml"))).spec();
        List<JsonPatchBlock> patches = spec.defaults().appendModifications().getFirst().cluster().jsonPatches();
        assertThat(patches).extracting(JsonPatchBlock::op).containsExactly("add", "copy", "move", "remove", "replace");
        assertThat(patches.getFirst().value().get("maxConnections").asInt()).isEqualTo(2048);
        assertThat(patches.get(1).from()).isEqualTo("/connectTimeout");
        assertThat(patches.get(3).value()).isNull();
    }

    @Test
    void explicitNullJsonPatchValueIsAValueAsInKuma() {
        // Go's json.RawMessage keeps `null` as the text null: for an add it is a value, for a remove it is one too many
        assertThat(PolicyFixtures.violations(PolicyFixtures.document(TYPE, clusterPatch("- {op: add, path: /a, value: null}")))).isEmpty();
        PolicyFixtures.assertViolations(PolicyFixtures.document(TYPE, clusterPatch("- {op: remove, path: /a, value: null}")),
                List.of(at("spec.default.appendModifications[0].cluster.jsonPatches[0].value", "\"value\" is allowed only when \"op\" is one of [\"add\", \"replace\"]")));
    }

    @Test
    void patchValuesAreOnlyParsedAsKumaDoes() {
        // Kuma checks Envoy's constraints on an added resource only: a patch may hold a value that is invalid alone
        // (the renderer contains what it yields), and unknown fields are ignored, as Kuma's jsonpb reads them
        PolicyFixtures.assertAcceptedWithWarnings(PolicyFixtures.document(TYPE, """
                default:
                  appendModifications:
                  - cluster:
                      operation: Patch
                      value: |
                        connectTimeout: -1s
                  - cluster:
                      operation: Add
                      value: |
                        name: extra
                        notAnEnvoyField: 1
                """), List.of());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("no default", "targetRef: {kind: Mesh}\n", at("spec.default.appendModifications", "must not be empty")),
                bad("no modifications", "default:\n  appendModifications: []\n", at("spec.default.appendModifications", "must not be empty")),
                bad("added cluster breaks Envoy's constraints", mod("""
                        cluster:
                          operation: Add
                          value: |
                            name: extra
                            connectTimeout: -1s
                        """), at("spec.default.appendModifications[0].cluster.value", "connect_timeout: must be > 0s")),
                bad("added virtual host without domains", mod("""
                        virtualHost:
                          operation: Add
                          value: |
                            name: extra
                        """), at("spec.default.appendModifications[0].virtualHost.value", "VirtualHost.domains: at least 1 item(s) required")),
                bad("added filter of a type the Envoy API does not have", mod("""
                        networkFilter:
                          operation: AddLast
                          value: |
                            name: custom
                            typedConfig:
                              '@type': type.googleapis.com/acme.filters.Custom
                        """), at("spec.default.appendModifications[0].networkFilter.value", NOT_VALID)),
                bad("patch value of the wrong shape", mod("""
                        httpFilter:
                          operation: Patch
                          match: {name: envoy.filters.http.router}
                          value: |
                            name: [1, 2]
                        """), at("spec.default.appendModifications[0].httpFilter.value", NOT_VALID)),
                bad("listener patch value that is no object", mod("""
                        listener:
                          operation: Patch
                          value: just text
                        """), at("spec.default.appendModifications[0].listener.value", NOT_VALID)),
                bad("unknown JSON patch operation", clusterPatch("- {op: test, path: /a}"),
                        at("spec.default.appendModifications[0].cluster.jsonPatches[0].op",
                                "\"op\" must be one of [\"add\", \"remove\", \"replace\", \"move\", \"copy\"]")),
                bad("copy without from", clusterPatch("- {op: copy, path: /a}"),
                        at("spec.default.appendModifications[0].cluster.jsonPatches[0].from",
                                "\"from\" must not be empty when \"op\" is one of [\"move\", \"copy\"]")),
                bad("replace with from", clusterPatch("- {op: replace, path: /a, from: /b, value: 1}"),
                        at("spec.default.appendModifications[0].cluster.jsonPatches[0].from",
                                "\"from\" is allowed only when \"op\" is one of [\"move\", \"copy\"]")),
                bad("add without value", clusterPatch("- {op: add, path: /a}"),
                        at("spec.default.appendModifications[0].cluster.jsonPatches[0].value",
                                "\"value\" must not be empty when \"op\" is one of [\"add\", \"replace\"]")),
                bad("move with value", clusterPatch("- {op: move, from: /a, path: /b, value: 1}"),
                        at("spec.default.appendModifications[0].cluster.jsonPatches[0].value",
                                "\"value\" is allowed only when \"op\" is one of [\"add\", \"replace\"]")),
                bad("remove of the root", clusterPatch("- {op: remove, path: /}"),
                        at("spec.default.appendModifications[0].cluster.jsonPatches[0].path", "root path cannot be removed")),
                bad("JSON patch without path", clusterPatch("- {op: replace, value: 1}"),
                        at("spec.default.appendModifications[0].cluster.jsonPatches[0].path", "must be defined")),
                bad("empty jsonPatches and no value", mod("""
                        cluster:
                          operation: Patch
                          jsonPatches: []
                        """), at("spec.default.appendModifications[0].cluster", "cluster must have exactly one defined: value, jsonPatches")),
                bad("named virtual host to add", mod("""
                        virtualHost:
                          operation: Add
                          match: {name: web, origin: inbound}
                          value: |
                            name: extra
                            domains: ["*"]
                        """), at("spec.default.appendModifications[0].virtualHost.match.name", "must not be defined")),
                bad("AddBefore without a filter name", mod("""
                        httpFilter:
                          operation: AddBefore
                          match: {listenerName: "inbound:10.0.0.1:8080"}
                          value: |
                            name: envoy.filters.http.cors
                        """), at("spec.default.appendModifications[0].httpFilter.match.name", MeshProxyPatchValidator.NAME_FILTER_BEFORE)),
                bad("virtual host operation of a filter", mod("""
                        virtualHost:
                          operation: AddLast
                        """), at("spec.default.appendModifications[0].virtualHost.operation",
                        "invalid operation. Available operations: \"Add\", \"Patch\", \"Remove\"")),
                bad("unsupported top-level kind", """
                        targetRef: {kind: MeshExternalService, name: httpbin}
                        default:
                          appendModifications:
                          - cluster: {operation: Remove}
                        """, at("spec.targetRef.kind", "value 'MeshExternalService' is not supported")),
                bad("unknown field in a modification", mod("""
                        cluster:
                          operation: Remove
                          origin: inbound
                        """), at("spec.default.appendModifications[0].cluster.origin", "unknown field")),
                bad("to is not a MeshProxyPatch field", """
                        to:
                          - targetRef: {kind: Mesh}
                        default:
                          appendModifications:
                          - cluster: {operation: Remove}
                        """, at("spec.to", "unknown field")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDocumentReportsExactField(String name, String specBody, List<Expected> expected) {
        PolicyFixtures.assertViolations(PolicyFixtures.document(TYPE, specBody), expected);
    }

    private static String mod(String modification) {
        return "default:\n  appendModifications:\n" + ("- " + modification.stripTrailing().replace("\n", "\n  ")).indent(4);
    }

    private static String clusterPatch(String patches) {
        return mod("cluster:\n  operation: Patch\n  jsonPatches:\n    " + patches + "\n");
    }

    private static Arguments bad(String name, String specBody, Expected... expected) {
        return Arguments.of(name, specBody, List.of(expected));
    }
}
