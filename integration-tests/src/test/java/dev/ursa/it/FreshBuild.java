package dev.ursa.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Refuses to test a fast-jar older than the sources it is built from: run alone ({@code -pl integration-tests}), these
 * tests would otherwise pass or fail against yesterday's code and say nothing about today's.
 */
final class FreshBuild {
    /** The modules each app is built from (its own and the libraries it packages). */
    private static final Map<String, List<String>> SOURCES = Map.of(
            "global-cp", List.of("mesh-core", "sync-protocol", "cp-common", "global-cp"),
            "zone-cp", List.of("mesh-core", "sync-protocol", "cp-common", "zone-cp"),
            "ingress-gateway", List.of("mesh-core", "ingress-gateway"));

    private FreshBuild() {
    }

    /** Throws naming the newer source file when {@code app}'s built classes are older than any of its sources. */
    static void check(Path repoRoot, String app) {
        Path quarkusApp = repoRoot.resolve(app).resolve("target/quarkus-app");
        FileTime built = newest(quarkusApp, p -> p.toString().endsWith(".jar")).map(FreshBuild::mtime).orElse(FileTime.fromMillis(0));
        for (String module : SOURCES.getOrDefault(app, List.of(app))) {
            Optional<Path> newer = newest(repoRoot.resolve(module).resolve("src/main"), Files::isRegularFile)
                    .filter(p -> mtime(p).compareTo(built) > 0);
            if (newer.isPresent()) {
                throw new IllegalStateException(app + "'s fast-jar (" + quarkusApp + ", built " + built + ") is older than "
                        + repoRoot.relativize(newer.get()) + " (" + mtime(newer.get()) + "): rebuild first with"
                        + " `./mvnw -B verify` from the repository root, or `./mvnw -B -pl integration-tests -am verify`");
            }
        }
    }

    private static Optional<Path> newest(Path dir, java.util.function.Predicate<Path> filter) {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(filter).max((a, b) -> mtime(a).compareTo(mtime(b)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
