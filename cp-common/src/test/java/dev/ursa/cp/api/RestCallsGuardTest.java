package dev.ursa.cp.api;

import dev.ursa.mesh.repo.RepoBoundaryGuard;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test that calls an admin API through REST Assured installs {@link RestAssuredYaml}'s filter, so a 500 answered
 * to any of its calls fails it. A test class that forgot would let a 500 pass unseen: this lists such classes.
 */
class RestCallsGuardTest {
    /** What installs the filter: the call itself, or a base class or helper that makes it (RunningZone: zone-cp's tests). */
    private static final List<String> GUARDED_BY = List.of("RestAssuredYaml.enable()", "extends AdminApiContract",
            "extends KumaApiContract", "RunningZone.mesh()");

    @Test
    void everyRestAssuredTestFailsOnA500() throws IOException {
        Path root = RepoBoundaryGuard.repositoryRoot(Path.of("").toAbsolutePath());
        List<String> unguarded;
        try (Stream<Path> files = Files.walk(root)) {
            unguarded = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/test/"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .filter(RestCallsGuardTest::callsRestAssured)
                    .filter(p -> GUARDED_BY.stream().noneMatch(read(p)::contains))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
        assertThat(unguarded).as("test classes calling REST Assured without RestAssuredYaml.enable()").isEmpty();
    }

    private static boolean callsRestAssured(Path p) {
        String s = read(p);
        return s.contains("import static io.restassured.RestAssured.given") || s.contains("RestAssured.given(");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
