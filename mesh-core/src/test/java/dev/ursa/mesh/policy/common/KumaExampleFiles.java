package dev.ursa.mesh.policy.common;

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
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Test support: the shared Kuma example documents (never copied into the repo) and one-call decode + validate. */
public final class KumaExampleFiles {
    private KumaExampleFiles() {
    }

    /** One row of {@code INDEX.tsv}. */
    public record Example(String type, boolean valid, Path file, List<String> expectedFields) {
        @Override
        public String toString() {
            return file.getFileName().toString();
        }
    }

    /** Walks up from the working directory until a {@code shared/kuma-examples} folder is found; fails loudly otherwise. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("kuma-examples");
            if (Files.isRegularFile(candidate.resolve("INDEX.tsv"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/kuma-examples (with INDEX.tsv) not found in any parent of "
                + Path.of("").toAbsolutePath() + "; clone the repo next to a copy of shared/");
    }

    public static List<Example> ofType(String type) {
        Path root = root();
        try {
            return Files.readAllLines(root.resolve("INDEX.tsv"), UTF_8).stream()
                    .skip(1)
                    .filter(line -> !line.isBlank())
                    .map(line -> line.split("\t", -1))
                    .filter(cols -> cols[0].equals(type))
                    .map(cols -> new Example(cols[0], cols[1].equals("valid"), root.resolve(cols[2]),
                            cols.length > 3 && !cols[3].isBlank() ? List.of(cols[3].split(",")) : List.of()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Resource decode(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(UTF_8), Format.YAML));
    }

    /** Every problem of a document: binding errors if it does not decode, else the validators' violations. */
    public static List<Violation> violations(String yaml) {
        Resource r;
        try {
            r = decode(yaml);
        } catch (ValidationException e) {
            return e.violations();
        }
        return ResourceValidation.check(r).list();
    }
}
