package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.common.PolicyFixtures.Fixture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture index is the only way the tests (and global-cp, through the test-jar, where a folder cannot be listed)
 * find fixtures, so it must list exactly the files in the folder, and the files must be what their place says.
 */
class PolicyFixturesIndexTest {

    @Test
    void indexListsExactlyTheFixtureFiles() throws IOException {
        // The source folder, not target/test-classes: build output keeps files that were renamed or deleted.
        Path root = Path.of("src/test/resources").resolve(PolicyFixtures.ROOT);
        assertThat(root).as("run from the mesh-core module directory").isDirectory();
        List<String> onDisk;
        try (Stream<Path> files = Files.walk(root)) {
            onDisk = files.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .filter(name -> !name.equals("index.txt"))
                    .toList();
        }
        assertThat(PolicyFixtures.all()).extracting(Fixture::toString).containsExactlyInAnyOrderElementsOf(onDisk);
    }

    @Test
    void everySupportedPolicyTypeHasFixturesAndNoOtherTypeDoes() {
        List<String> supported = ResourceTypes.policies().stream().map(ResourceType::name).toList();
        assertThat(PolicyFixtures.all()).extracting(Fixture::type).isSubsetOf(supported);
        assertThat(PolicyFixtures.all().stream().map(Fixture::type).distinct()).containsExactlyInAnyOrderElementsOf(supported);
    }

    @Test
    void fileNamesAreUniqueAcrossTypes() {
        // Tests key expected warnings by file name.
        var byName = PolicyFixtures.all().stream().collect(Collectors.groupingBy(Fixture::fileName));
        assertThat(byName.values().stream().filter(same -> same.size() > 1)).as("fixtures sharing a file name").isEmpty();
    }

    @Test
    void eachDocumentDeclaresTheTypeOfItsFolderAndItsFileNameAsName() {
        // Unique names per type, so applying every fixture to one mesh never overwrites another.
        for (Fixture fixture : PolicyFixtures.all()) {
            var resource = PolicyFixtures.decode(PolicyFixtures.read(fixture));
            assertThat(resource.type().name()).as("type of %s", fixture).isEqualTo(fixture.type());
            assertThat(resource.meta().name() + ".yaml").as("name of %s", fixture).isEqualTo(fixture.fileName());
            assertThat(resource.meta().mesh()).as("mesh of %s", fixture).isEqualTo("default");
        }
    }

    @Test
    void everyFixtureSaysWhatItDemonstrates() {
        for (Fixture fixture : PolicyFixtures.all()) {
            assertThat(PolicyFixtures.read(fixture)).as("%s starts with a comment", fixture).startsWith("# ");
        }
    }
}
