package dev.ursa.mesh.policy;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.common.PolicyFixtures;
import dev.ursa.mesh.validation.Violation;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Optional extra check, the one test allowed to read outside the repository (see RepoBoundaryGuard): where the team's
 * reference folder of Kuma documentation examples ({@code shared/kuma-examples}, next to a checkout) exists, every
 * valid example of a policy type Ursa supports is accepted by the validator. Elsewhere (a user's clone) it is skipped.
 * Nothing else may depend on it: the in-repo policy fixtures carry the coverage.
 */
class SharedKumaExamplesTest {
    private static final Map<String, ResourceType> SUPPORTED = ResourceTypes.policies().stream()
            .collect(Collectors.toMap(ResourceType::name, Function.identity()));

    @Test
    void everyValidExampleOfASupportedTypeIsAccepted() throws IOException {
        Optional<Path> folder = examplesFolder();
        String skipped = "shared/kuma-examples/INDEX.tsv was not found in " + Path.of("").toAbsolutePath()
                + " or any parent directory: the optional check against the shared Kuma examples was skipped";
        if (folder.isEmpty()) {
            // Surefire's console shows only "Skipped: 1"; print the reason so the build log says why.
            System.out.println("[SharedKumaExamplesTest] " + skipped);
        }
        assumeTrue(folder.isPresent(), skipped);
        Path root = folder.get();
        List<String[]> rows = Files.readAllLines(root.resolve("INDEX.tsv"), UTF_8).stream()
                .map(line -> line.split("\t", -1))
                .filter(cols -> cols.length >= 3 && SUPPORTED.containsKey(cols[0]) && cols[1].equals("valid"))
                .toList();
        assertThat(rows).as("valid examples of supported types in %s", root.resolve("INDEX.tsv")).isNotEmpty();
        // One test, every example checked: a skipped run then shows as one skipped test with its reason.
        SoftAssertions softly = new SoftAssertions();
        for (String[] cols : rows) {
            String yaml = Files.readString(root.resolve(cols[2]), UTF_8);
            List<Violation> violations = PolicyFixtures.violations(yaml);
            softly.assertThat(violations).as("violations of %s", cols[2]).isEmpty();
            if (violations.isEmpty()) {
                softly.assertThat(PolicyFixtures.decode(yaml).type()).as("type of %s", cols[2]).isEqualTo(SUPPORTED.get(cols[0]));
            }
        }
        softly.assertAll();
    }

    /** Walks up from the working directory to a directory that has {@code shared/kuma-examples/INDEX.tsv}. */
    static Optional<Path> examplesFolder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/kuma-examples");
            if (Files.isRegularFile(candidate.resolve("INDEX.tsv"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
