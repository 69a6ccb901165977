package dev.ursa.global.kds;

import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.mesh.store.InMemoryStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The global's KDS TLS settings and its own CA, without a running server. */
class KdsTlsTest {
    final InMemoryStore store = new InMemoryStore();

    static FakeKdsConfig config(boolean enabled, Optional<String> cert, Optional<String> key, Optional<String> oldCert, Optional<String> oldKey) {
        return new FakeKdsConfig(enabled, cert, key, oldCert, oldKey, List.of());
    }

    @Test
    void withNoCertificateEveryGlobalOnOneDatabaseServesTheSameStoredCa() {
        KdsTls first = new KdsTls(FakeKdsConfig.defaults(), store);
        KdsTls second = new KdsTls(FakeKdsConfig.defaults(), store);
        assertThat(first.ownCa()).isTrue();
        String ca = first.caPem().orElseThrow();
        assertThat(second.caPem()).contains(ca);
        assertThat(ca).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");
        assertThat(StoredSecrets.read(store, KdsTls.CA_SECRET)).as("kept as an internal secret").hasValueSatisfying(v -> assertThat(v).contains("PRIVATE KEY"));
        assertThat(first.describe()).contains("own CA");
    }

    @Test
    void theServerCertificateNamesWhatZonesDialAndIsSignedByTheCa() throws Exception {
        FakeKdsConfig cfg = new FakeKdsConfig(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of("kds.example.org", "10.1.2.3"));
        List<String> names = new KdsTls(cfg, store).names();
        assertThat(names).contains("localhost", "127.0.0.1", "kds.example.org", "10.1.2.3");

        KdsCertificateAuthority ca = KdsCertificateAuthority.generate(Instant.now());
        X509Certificate server = ca.issueServer(names, Instant.now()).certificate();
        server.verify(ca.certificate().getPublicKey());
        assertThat(server.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList()).contains("kds.example.org", "10.1.2.3", "localhost", "127.0.0.1");
        assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(server.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(KdsCertificateAuthority.fromJson(ca.toJson()).certificate()).isEqualTo(ca.certificate());
    }

    @Test
    void aConfiguredCertificateIsServedUnderTheNewAndTheOldKeyNames() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "kds-tls-test"));
        KdsCertificateAuthority ca = KdsCertificateAuthority.generate(Instant.now());
        KdsCertificateAuthority.Issued issued = ca.issueServer(List.of("localhost"), Instant.now());
        Path cert = Files.writeString(dir.resolve("tls.crt"), KdsCertificateAuthority.pem(issued.certificate()));
        Path key = Files.writeString(dir.resolve("tls.key"), KdsCertificateAuthority.pem(issued.key()));

        for (FakeKdsConfig cfg : List.of(
                config(true, Optional.of(cert.toString()), Optional.of(key.toString()), Optional.empty(), Optional.empty()),
                config(true, Optional.empty(), Optional.empty(), Optional.of(cert.toString()), Optional.of(key.toString())))) {
            KdsTls tls = new KdsTls(cfg, store);
            assertThat(tls.ownCa()).isFalse();
            assertThat(tls.caPem()).as("the operator hands out the issuer of a configured certificate").isEmpty();
            assertThat(tls.serverContext().isServer()).isTrue();
            assertThat(tls.describe()).contains(cert.toString());
        }
        assertThat(StoredSecrets.read(store, KdsTls.CA_SECRET)).as("no CA generated for a configured certificate").isEmpty();

        KdsTls noKey = new KdsTls(config(true, Optional.of(cert.toString()), Optional.empty(), Optional.empty(), Optional.empty()), store);
        assertThatThrownBy(noKey::serverContext).hasMessageContaining("ursa.kds.tls.key-file");
    }

    @Test
    void tlsOffIsPlaintextWithNoCa() {
        KdsTls off = new KdsTls(config(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), store);
        assertThat(off.enabled()).isFalse();
        assertThat(off.caPem()).isEmpty();
        assertThat(off.describe()).contains("plaintext");
    }
}
