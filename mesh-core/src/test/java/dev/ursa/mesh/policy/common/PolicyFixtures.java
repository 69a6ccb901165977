package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The team's policy fixtures ({@code src/test/resources/policy-fixtures/<PolicyType>/<name>.yaml}, listed in
 * {@code policy-fixtures/index.txt}) and small decode/validate helpers the policy tests share. Fixtures are read from
 * the classpath only, so they work the same from mesh-core's own tests and through its test-jar (global-cp).
 */
public final class PolicyFixtures {
    static final String ROOT = "policy-fixtures/";
    static final String INDEX = ROOT + "index.txt";

    private PolicyFixtures() {
    }

    /** One fixture document: its policy type (the folder) and its file name (unique across types). */
    public record Fixture(String type, String fileName) {
        public String resource() {
            return ROOT + type + "/" + fileName;
        }

        @Override
        public String toString() {
            return type + "/" + fileName;
        }
    }

    /** Every fixture the index lists, in index order. */
    public static List<Fixture> all() {
        return readResource(INDEX).lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> {
                    int slash = line.indexOf('/');
                    if (slash < 1 || line.indexOf('/', slash + 1) >= 0 || !line.endsWith(".yaml")) {
                        throw new AssertionError(INDEX + ": expected <PolicyType>/<file>.yaml, got: " + line);
                    }
                    return new Fixture(line.substring(0, slash), line.substring(slash + 1));
                })
                .toList();
    }

    /** Fixtures of {@code type}; fails when there is none, so a type cannot silently lose its coverage. */
    public static List<Fixture> ofType(String type) {
        List<Fixture> fixtures = all().stream().filter(f -> f.type().equals(type)).toList();
        if (fixtures.isEmpty()) {
            throw new AssertionError(INDEX + " lists no " + type + " fixture");
        }
        return fixtures;
    }

    /** The fixture of {@code type} named {@code fileName}; fails when the index does not list it. */
    public static Fixture named(String type, String fileName) {
        return ofType(type).stream().filter(f -> f.fileName().equals(fileName)).findFirst()
                .orElseThrow(() -> new AssertionError(INDEX + " lists no " + type + "/" + fileName));
    }

    public static String read(Fixture fixture) {
        return readResource(fixture.resource());
    }

    static String readResource(String name) {
        try (InputStream in = PolicyFixtures.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("classpath resource " + name + " not found");
            }
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(String yaml) {
        return ResourceCodec.parse(yaml.getBytes(UTF_8), Format.YAML);
    }

    public static Resource decode(String yaml) {
        return ResourceCodec.decode(parse(yaml));
    }

    /** Every violation of a document: binding errors (thrown by the codec) or validator findings. */
    public static List<Violation> violations(String yaml) {
        try {
            return ResourceValidation.check(decode(yaml)).list();
        } catch (ValidationException e) {
            return e.violations();
        }
    }

    /** Warnings of a document that validates: accepted, but reported to the user. */
    public static List<Violation> warnings(String yaml) {
        return ResourceValidation.check(decode(yaml)).warnings();
    }

    /** A copy of {@code node} without explicit nulls, i.e. what a writer that omits absent fields should produce. */
    public static JsonNode withoutNulls(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            for (Iterator<java.util.Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isNull()) {
                    it.remove();
                } else {
                    strip(e.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(PolicyFixtures::strip);
        }
    }

    /** A whole policy document of {@code type} whose spec is {@code specBody} (YAML, not indented). */
    public static String document(String type, String specBody) {
        return "type: " + type + "\nname: under-test\nmesh: default\nspec:\n" + specBody.stripIndent().indent(2);
    }

    /** One expected violation: the exact field path and a fragment of its message. */
    public record Expected(String field, String messageFragment) {
        @Override
        public String toString() {
            return field + " (" + messageFragment + ")";
        }
    }

    public static Expected at(String field, String messageFragment) {
        return new Expected(field, messageFragment);
    }

    /** Asserts the document reports exactly the expected violations (any order), each at its exact path. */
    public static void assertViolations(String yaml, List<Expected> expected) {
        assertExactly("violations", violations(yaml), expected, yaml);
    }

    /** Asserts the document is accepted (no violation) with exactly the expected warnings, each at its exact path. */
    public static void assertAcceptedWithWarnings(String yaml, List<Expected> expected) {
        assertExactly("violations", violations(yaml), List.of(), yaml);
        assertExactly("warnings", warnings(yaml), expected, yaml);
    }

    private static void assertExactly(String what, List<Violation> actual, List<Expected> expected, String yaml) {
        org.assertj.core.api.Assertions.assertThat(actual)
                .as("%s of%n%s", what, yaml)
                .extracting(Violation::field)
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(Expected::field).toList());
        for (Expected e : expected) {
            org.assertj.core.api.Assertions.assertThat(actual)
                    .as("message at %s", e.field())
                    .anySatisfy(v -> {
                        org.assertj.core.api.Assertions.assertThat(v.field()).isEqualTo(e.field());
                        org.assertj.core.api.Assertions.assertThat(v.message()).contains(e.messageFragment());
                    });
        }
    }

    private static final String WARNING_HEADER = "# warning at ";

    /** The warnings a fixture declares in its header, one line each: {@code # warning at <field>: <message fragment>}. */
    public static List<Expected> declaredWarnings(String yaml) {
        return yaml.lines().takeWhile(line -> line.startsWith("#"))
                .filter(line -> line.startsWith(WARNING_HEADER))
                .map(line -> {
                    String rest = line.substring(WARNING_HEADER.length());
                    int colon = rest.indexOf(": ");
                    if (colon < 0) throw new IllegalArgumentException("expected '# warning at <field>: <fragment>', got " + line);
                    return at(rest.substring(0, colon), rest.substring(colon + 2));
                })
                .toList();
    }

    /**
     * A fixture is accepted with exactly the warnings its header declares, decodes to the spec of its folder's type and
     * round-trips.
     */
    public static void assertFixtureAccepted(Fixture fixture) {
        String yaml = read(fixture);
        assertAcceptedWithWarnings(yaml, declaredWarnings(yaml));
        Class<?> specClass = ResourceTypes.policies().stream().filter(t -> t.name().equals(fixture.type())).findFirst()
                .orElseThrow(() -> new AssertionError("no policy type " + fixture.type())).specClass();
        org.assertj.core.api.Assertions.assertThat(decode(yaml).spec()).isInstanceOf(specClass);
        assertRoundTrip(yaml);
    }

    /**
     * decode -> encode -> decode: equal specs, and the encoded spec holds exactly the fields the user wrote (an explicit
     * null counts as absent on both sides: free-form JSON, e.g. an OpenTelemetry body, keeps the user's nulls).
     */
    public static void assertRoundTrip(String yaml) {
        JsonNode original = parse(yaml).get("spec");
        Resource first = decode(yaml);
        JsonNode encoded = ResourceCodec.encode(first);
        JsonNode expected = withoutNulls(original);
        // Numbers compare by value: YAML reads 4 as an int, a Long field writes it back as a long.
        boolean same = expected.equals((a, b) -> a.isNumber() && b.isNumber()
                ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1, withoutNulls(encoded.get("spec")));
        org.assertj.core.api.Assertions.assertThat(same)
                .as("encoded spec has exactly the user's fields%nexpected: %s%nbut was:  %s", expected, encoded.get("spec")).isTrue();
        Resource second = ResourceCodec.decode(encoded);
        org.assertj.core.api.Assertions.assertThat(second.spec()).isEqualTo(first.spec());
    }
}
