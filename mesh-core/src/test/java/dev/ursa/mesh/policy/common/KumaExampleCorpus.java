package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.mesh.validation.Violation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Test access to the shared Kuma documentation examples ({@code shared/kuma-examples}, never copied into the repo) and
 * small decode/validate helpers the policy tests share.
 */
public final class KumaExampleCorpus {
    private KumaExampleCorpus() {
    }

    /** Walks up from the working directory until a {@code shared/kuma-examples} sibling exists; fails loudly if none. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("kuma-examples");
            if (Files.isRegularFile(candidate.resolve("INDEX.tsv"))) {
                return candidate;
            }
        }
        throw new AssertionError("shared/kuma-examples (with INDEX.tsv) not found in " + dir + " or any parent directory; "
                + "the policy tests need the Kuma example corpus next to the repository");
    }

    /** One row of {@code INDEX.tsv}. */
    public record Example(String type, boolean valid, Path file) {
        @Override
        public String toString() {
            return file.getFileName().toString();
        }
    }

    /** Every example of {@code type} that INDEX.tsv lists, valid or not. */
    public static List<Example> ofType(String type) {
        Path root = root();
        try {
            return Files.readAllLines(root.resolve("INDEX.tsv"), UTF_8).stream()
                    .map(line -> line.split("\t", -1))
                    .filter(cols -> cols.length >= 3 && cols[0].equals(type))
                    .map(cols -> new Example(cols[0], cols[1].equals("valid"), root.resolve(cols[2])))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files INDEX.tsv lists as valid examples of {@code type}, in index order. */
    public static List<Path> validExamples(String type) {
        Path root = root();
        List<Path> files = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(root.resolve("INDEX.tsv"), UTF_8)) {
                String[] cols = line.split("\t", -1);
                if (cols.length >= 3 && cols[0].equals(type) && cols[1].equals("valid")) {
                    files.add(root.resolve(cols[2]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new AssertionError("INDEX.tsv lists no valid " + type + " example");
        }
        return files;
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, UTF_8);
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

    /** A copy of {@code node} without explicit nulls, i.e. what a writer that omits absent fields should produce. */
    /** Warnings of a document that validates: accepted, but reported to the user. */
    public static List<Violation> warnings(String yaml) {
        return ResourceValidation.check(decode(yaml)).warnings();
    }

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
            node.forEach(KumaExampleCorpus::strip);
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
        List<Violation> actual = violations(yaml);
        org.assertj.core.api.Assertions.assertThat(actual)
                .as("violations of%n%s", yaml)
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

    /** decode -> encode -> decode: equal specs, and the encoded spec holds exactly the fields the user wrote. */
    public static void assertRoundTrip(String yaml) {
        JsonNode original = parse(yaml).get("spec");
        Resource first = decode(yaml);
        JsonNode encoded = ResourceCodec.encode(first);
        JsonNode expected = withoutNulls(original);
        // Numbers compare by value: YAML reads 4 as an int, a Long field writes it back as a long.
        boolean same = expected.equals((a, b) -> a.isNumber() && b.isNumber()
                ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1, encoded.get("spec"));
        org.assertj.core.api.Assertions.assertThat(same)
                .as("encoded spec has exactly the user's fields%nexpected: %s%nbut was:  %s", expected, encoded.get("spec")).isTrue();
        Resource second = ResourceCodec.decode(encoded);
        org.assertj.core.api.Assertions.assertThat(second.spec()).isEqualTo(first.spec());
    }
}
