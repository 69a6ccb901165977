package dev.ursa.mesh.repo;

import dev.ursa.mesh.repo.RepoBoundaryGuard.Finding;
import dev.ursa.mesh.repo.RepoBoundaryGuard.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's tests read nothing outside it (see {@link RepoBoundaryGuard} for the rule), and the guard itself
 * reports what it should. The throwaway sources below spell the forbidden paths in pieces ({@link #UP}, {@link #HOME})
 * so that this file's own literals pass the guard it tests.
 */
class RepoBoundaryGuardTest {
    private static final String UP = "..";
    private static final String HOME = "/" + "home";
    private static final String AGGREGATOR_POM = "<project><modules><module>demo</module></modules></project>\n";

    @Test
    void noTestSourceOrResourceOfAnyModuleReadsOutsideTheRepository() {
        Path root = RepoBoundaryGuard.repositoryRoot(Path.of(""));
        Result result = RepoBoundaryGuard.scan(root);

        // Not vacuous: the scan saw the tests of several modules, this file included.
        assertThat(result.scanned()).contains("mesh-core/src/test/java/dev/ursa/mesh/repo/RepoBoundaryGuardTest.java");
        assertThat(result.scanned()).anyMatch(f -> f.startsWith("global-cp/src/test/"))
                .anyMatch(f -> f.startsWith("mesh-core/src/test/resources/policy-fixtures/"));
        assertThat(result.findings())
                .as("test files reading outside the repository (a fresh clone has nothing beside it):%n%s",
                        result.findings().stream().map(Finding::toString).collect(Collectors.joining("\n")))
                .isEmpty();
    }

    @Test
    void reportsTheFileAndLineOfASourceReadingAFolderNextToTheCheckout(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("pom.xml"), AGGREGATOR_POM);
        write(root, "demo/src/test/java/demo/ReaderTest.java", """
                package demo;

                class ReaderTest {
                    // Reads a folder that sits next to the team's checkout, never next to a user's clone.
                    java.nio.file.Path index = java.nio.file.Path.of("%s/elsewhere/policies/INDEX.tsv");
                }
                """.formatted(UP));

        Result result = RepoBoundaryGuard.scan(root);

        assertThat(result.findings()).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("demo/src/test/java/demo/ReaderTest.java");
            assertThat(f.line()).isEqualTo(5);
            assertThat(f.reason()).contains("outside the repository");
            assertThat(f.toString()).startsWith("demo/src/test/java/demo/ReaderTest.java:5: ");
        });
    }

    @Test
    void reportsNothingForACleanTree(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("pom.xml"), AGGREGATOR_POM);
        write(root, "demo/src/test/java/demo/CleanTest.java", """
                package demo;

                /** Mentions %1$s/elsewhere/INDEX.tsv in a comment only. */
                class CleanTest {
                    String policy = \"""
                            eventLogPath: /var/log/envoy/health.log
                            \""";
                    String mount = "%1$s/%1$s/" + "global-cp/target/quarkus-app:/opt/ursa/global-cp:ro";
                    char quote = '"';
                    String fixture = "policy-fixtures/MeshTimeout/outbound-tcp-defaults.yaml";
                    String sibling = "%1$s/other/src/test/resources/data.json";
                }
                """.formatted(UP));
        Files.createDirectories(root.resolve("other"));
        write(root, "demo/src/test/resources/deploy/ursa.service", "EnvironmentFile=/etc/ursa/global.env\nExecStart=/usr/bin/java\n");
        // Main sources are out of scope: only tests must run on a bare clone.
        write(root, "demo/src/main/java/demo/Main.java", "class Main { String p = \"%s/elsewhere/x\"; }\n".formatted(UP));

        Result result = RepoBoundaryGuard.scan(root);

        assertThat(result.scanned()).containsExactlyInAnyOrder(
                "demo/src/test/java/demo/CleanTest.java", "demo/src/test/resources/deploy/ursa.service");
        assertThat(result.findings()).isEmpty();
    }

    @Test
    void reportsMachinePathsAndPathsClimbingOutOfTheRoot(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("pom.xml"), AGGREGATOR_POM);
        write(root, "demo/src/test/java/demo/PathsTest.java", """
                package demo;

                class PathsTest {
                    java.nio.file.Path jdk = java.nio.file.Path.of("%1$s/dev/jdk-25");
                    java.nio.file.Path corpus = java.nio.file.Path.of("%2$s/%2$s/%2$s/outside/INDEX.tsv");
                    String script = \"""
                            set -e
                            %1$s/dev/run.sh
                            \""";
                }
                """.formatted(HOME, UP));
        write(root, "demo/src/test/resources/application.properties",
                "# test config\ndata.dir=file:%s/dev/data\nbase=%s/%s/%s/%s/%s/outside\n".formatted(HOME, UP, UP, UP, UP, UP));

        Result result = RepoBoundaryGuard.scan(root);

        assertThat(result.findings()).extracting(Finding::file, Finding::line).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("demo/src/test/java/demo/PathsTest.java", 4),
                org.assertj.core.groups.Tuple.tuple("demo/src/test/java/demo/PathsTest.java", 5),
                org.assertj.core.groups.Tuple.tuple("demo/src/test/java/demo/PathsTest.java", 8),
                org.assertj.core.groups.Tuple.tuple("demo/src/test/resources/application.properties", 2),
                org.assertj.core.groups.Tuple.tuple("demo/src/test/resources/application.properties", 3));
    }

    @Test
    void theRepositoryRootIsTheDirectoryWhosePomListsModules(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("pom.xml"), AGGREGATOR_POM);
        write(root, "demo/pom.xml", "<project><artifactId>demo</artifactId></project>\n");
        Files.createDirectories(root.resolve("demo/src/test"));

        assertThat(RepoBoundaryGuard.repositoryRoot(root.resolve("demo/src/test"))).isEqualTo(root.toAbsolutePath());
    }

    private static void write(Path root, String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, UTF_8);
    }
}
