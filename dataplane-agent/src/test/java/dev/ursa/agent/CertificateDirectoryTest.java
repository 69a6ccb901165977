package dev.ursa.agent;

import dev.ursa.cp.pki.MeshCa;
import dev.ursa.cp.pki.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The AtomicWriter-style directory: a publish cut short after any step leaves the old set or the new one, whole. */
class CertificateDirectoryTest {
    private static MeshCa ca;

    @TempDir
    Path dir;

    /** Stands for the process dying right after a step. */
    private static final class Killed extends IOException {
        Killed(CertificateDirectory.Step step) {
            super("killed after " + step);
        }
    }

    @BeforeAll
    static void ca() {
        ca = MeshCa.generate("default", 2048, Duration.ofDays(1), Instant.now());
    }

    @Test
    void beforeTheFirstPublishThereIsNoCurrent() throws IOException {
        CertificateDirectory files = new CertificateDirectory(dir);
        assertThat(files.read()).isEmpty();
        files.cleanUp();
        assertThat(Files.exists(dir.resolve("current"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void publishPointsCurrentAtAWholeGenerationWithTheRightModes() throws Exception {
        CertificateDirectory files = new CertificateDirectory(dir);
        CertificateSet set = newSet();
        files.publish(set);

        assertThat(Files.isSymbolicLink(dir.resolve("current"))).isTrue();
        assertThat(Files.readSymbolicLink(dir.resolve("current")).toString()).startsWith(".gen-");
        assertThat(files.read()).contains(set);
        Path generation = dir.resolve("current").toRealPath();
        assertThat(Files.getPosixFilePermissions(generation.resolve("key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(generation.resolve("cert.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Files.getPosixFilePermissions(generation.resolve("ca.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(SetOnDisk.read(dir).keyMatchesCertificate()).isTrue();
    }

    @Test
    void keepsTheCurrentAndThePreviousGenerationOnly() throws Exception {
        CertificateDirectory files = new CertificateDirectory(dir);
        for (int i = 0; i < 5; i++) files.publish(newSet());
        assertThat(generations()).hasSize(2).contains(dir.resolve("current").toRealPath());
    }

    @ParameterizedTest
    @EnumSource(CertificateDirectory.Step.class)
    void aPublishCutShortAfterAnyStepLeavesAWholeSet(CertificateDirectory.Step killedAfter) throws Exception {
        CertificateSet old = newSet();
        new CertificateDirectory(dir).publish(old);
        CertificateSet next = newSet();
        CertificateDirectory dying = new CertificateDirectory(dir, step -> {
            if (step == killedAfter) throw new Killed(step);
        });
        assertThatThrownBy(() -> dying.publish(next)).isInstanceOf(Killed.class);

        CertificateDirectory restarted = new CertificateDirectory(dir);
        CertificateSet seen = restarted.read().orElseThrow();
        boolean swapped = killedAfter.compareTo(CertificateDirectory.Step.CURRENT_SWAPPED) >= 0;
        assertThat(seen).as("current after a kill following %s", killedAfter).isEqualTo(swapped ? next : old);
        assertThat(SetOnDisk.read(dir).keyMatchesCertificate()).isTrue();

        restarted.cleanUp(); // what the next agent does first
        assertThat(restarted.read()).contains(seen);
        assertThat(generations()).as("only the generation current names is left").hasSize(1);
        assertThat(Files.exists(dir.resolve(CertificateDirectory.TEMP_LINK), LinkOption.NOFOLLOW_LINKS)).isFalse();

        CertificateSet after = newSet();
        restarted.publish(after);
        assertThat(restarted.read()).contains(after);
    }

    @Test
    void aFirstPublishCutShortLeavesNoCurrent() throws Exception {
        CertificateDirectory dying = new CertificateDirectory(dir, step -> {
            if (step == CertificateDirectory.Step.TEMP_LINK_CREATED) throw new Killed(step);
        });
        assertThatThrownBy(() -> dying.publish(newSet())).isInstanceOf(Killed.class);
        assertThat(Files.exists(dir.resolve("current"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(new CertificateDirectory(dir).read()).isEmpty();
    }

    private CertificateSet newSet() {
        KeyPair pair = MeshCa.workloadKeyPair();
        String cert = Pem.certificate(ca.issue(pair.getPublic(), List.of("spiffe://default/backend"), Duration.ofHours(1), Instant.now()));
        return new CertificateSet(cert, Pem.privateKey(pair.getPrivate()), ca.certificatePem());
    }

    private List<Path> generations() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(CertificateDirectory.GENERATION_PREFIX))
                    .map(p -> {
                        try {
                            return p.toRealPath();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }).toList();
        }
    }
}
