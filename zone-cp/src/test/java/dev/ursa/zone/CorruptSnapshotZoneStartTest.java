package dev.ursa.zone;

import dev.ursa.cp.api.RestAssuredYaml;
import org.junit.jupiter.api.BeforeEach;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A memory-store zone whose data directory holds a corrupt KDS snapshot starts anyway, empty, with the file kept aside. */
@QuarkusTest
@TestProfile(CorruptSnapshotZoneStartTest.CorruptSnapshot.class)
class CorruptSnapshotZoneStartTest {
    @BeforeEach
    void failOnAny500() {
        RestAssuredYaml.enable();
    }

    static final byte[] GARBAGE = "{\"items\":[{\"type\":\"Mesh\",\"na".getBytes(StandardCharsets.UTF_8);

    public static class CorruptSnapshot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ursa.zone.global-address", "grpc://127.0.0.1:1", "ursa.zone.name", "zone-1",
                    "ursa.zone.data-dir", prepareDataDir().toString());
        }
    }

    /** One directory per test JVM (the profile and the test may live in different class loaders, so no static state). */
    static Path dataDir() {
        return Path.of("target", "corrupt-snapshot-zone-" + ProcessHandle.current().pid()).toAbsolutePath();
    }

    static Path prepareDataDir() {
        Path dir = dataDir();
        try {
            if (Files.notExists(dir)) {
                Files.createDirectories(dir);
                Files.write(dir.resolve("kds-snapshot.json"), GARBAGE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    @Test
    void theZoneStartsEmptyNotReadyAndKeepsTheCorruptSnapshotAside() throws IOException {
        given().get("/meshes").then().statusCode(200);
        assertThat(given().get("/meshes").jsonPath().getInt("total")).as("nothing restored").isZero();
        var health = given().get("/q/health/ready").then().statusCode(503).extract().jsonPath();
        assertThat(health.getString("checks.find { it.name == 'kds' }.status")).as("not synced from the global yet").isEqualTo("DOWN");

        List<Path> aside;
        try (Stream<Path> files = Files.list(dataDir())) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("kds-snapshot.json.corrupt-")).toList();
        }
        assertThat(aside).hasSize(1);
        assertThat(Files.readAllBytes(aside.getFirst())).isEqualTo(GARBAGE);
    }
}
