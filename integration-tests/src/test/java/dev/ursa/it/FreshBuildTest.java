package dev.ursa.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FreshBuildTest {
    @Test
    void aSourceNewerThanTheJarIsNamed(@TempDir Path repo) throws IOException {
        Path jar = file(repo.resolve("zone-cp/target/quarkus-app/app/zone-cp.jar"), Instant.parse("2026-01-01T10:00:00Z"));
        file(repo.resolve("zone-cp/src/main/java/A.java"), Instant.parse("2026-01-01T09:00:00Z"));
        assertThatCode(() -> FreshBuild.check(repo, "zone-cp")).doesNotThrowAnyException();

        file(repo.resolve("sync-protocol/src/main/java/B.java"), Instant.parse("2026-01-01T11:00:00Z"));
        assertThatThrownBy(() -> FreshBuild.check(repo, "zone-cp"))
                .hasMessageContaining("sync-protocol/src/main/java/B.java").hasMessageContaining("rebuild first");
        // the ingress is not built from sync-protocol
        assertThatCode(() -> FreshBuild.check(repo, "ingress-gateway")).doesNotThrowAnyException();
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-01-01T12:00:00Z")));
        assertThatCode(() -> FreshBuild.check(repo, "zone-cp")).doesNotThrowAnyException();
    }

    private static Path file(Path p, Instant mtime) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
        Files.setLastModifiedTime(p, FileTime.from(mtime));
        return p;
    }
}
