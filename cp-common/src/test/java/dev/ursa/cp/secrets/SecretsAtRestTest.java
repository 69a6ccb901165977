package dev.ursa.cp.secrets;

import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sealing format of secrets at rest, and the start-up rule for the key. */
class SecretsAtRestTest {
    static final ResourceKey SECRET = ResourceKey.of(ResourceTypes.SECRET, "default", "default.ca-builtin-key-ca-1");
    static final ResourceKey GLOBAL_SECRET = ResourceKey.of(ResourceTypes.GLOBAL_SECRET, "", "zone-token-signing-key");
    static final String SPEC = "{\"data\":\"LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t\"}";

    @TempDir
    Path dir;

    record Config(Optional<Path> encryptionKeyFile, boolean allowPlaintext) implements SecretsConfig {
    }

    @Test
    void aSecretSpecIsSealedWithANonceAndOpensAgain() throws IOException {
        SecretsAtRest secrets = SecretsAtRest.sealedWith(EncryptionKey.load(keyFile("a")));

        String once = secrets.seal(SECRET, SPEC);
        String twice = secrets.seal(SECRET, SPEC);

        assertThat(once).doesNotContain("LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t").startsWith("{\"$sealed\":\"v1." + secrets.key().orElseThrow().id() + ".");
        assertThat(twice).as("a fresh nonce per write").isNotEqualTo(once);
        assertThat(secrets.open(SECRET, once)).isEqualTo(SPEC);
        assertThat(secrets.open(GLOBAL_SECRET, secrets.seal(GLOBAL_SECRET, SPEC))).isEqualTo(SPEC);
        assertThat(secrets.needsSealing(SECRET, once)).isFalse();
    }

    @Test
    void otherTypesAndPlaintextRowsAreLeftAsTheyAre() throws IOException {
        SecretsAtRest secrets = SecretsAtRest.sealedWith(EncryptionKey.load(keyFile("a")));
        ResourceKey mesh = ResourceKey.of(ResourceTypes.MESH, "", "default");

        assertThat(secrets.seal(mesh, "{\"mtls\":{}}")).isEqualTo("{\"mtls\":{}}");
        assertThat(secrets.open(SECRET, SPEC)).as("a row written before the key").isEqualTo(SPEC);
        assertThat(secrets.needsSealing(SECRET, SPEC)).isTrue();
        assertThat(secrets.needsSealing(mesh, "{}")).isFalse();
        assertThat(SecretsAtRest.plaintext().seal(SECRET, SPEC)).isEqualTo(SPEC);
        assertThat(SecretsAtRest.plaintext().needsSealing(SECRET, SPEC)).isFalse();
    }

    @Test
    void anotherKeyNoKeyAnAlteredValueOrAnotherRowFailClearly() throws IOException {
        Path fileA = keyFile("a");
        SecretsAtRest a = SecretsAtRest.sealedWith(EncryptionKey.load(fileA));
        SecretsAtRest b = SecretsAtRest.sealedWith(EncryptionKey.load(keyFile("b")));
        String sealed = a.seal(SECRET, SPEC);

        assertThatThrownBy(() -> b.open(SECRET, sealed)).isInstanceOf(UndecryptableSecretException.class)
                .hasMessageContaining("ursa.secrets.encryption-key-file").hasMessageContaining(dir.resolve("b").toString())
                .hasMessageContaining("encrypted with key " + a.key().orElseThrow().id());
        assertThatThrownBy(() -> SecretsAtRest.plaintext().open(SECRET, sealed)).isInstanceOf(UndecryptableSecretException.class)
                .hasMessageContaining("no ursa.secrets.encryption-key-file is configured");
        String value = sealed.substring(sealed.lastIndexOf('.') + 1, sealed.length() - 2);
        byte[] bytes = Base64.getDecoder().decode(value);
        bytes[bytes.length - 1] ^= 1;
        String altered = sealed.replace(value, Base64.getEncoder().encodeToString(bytes));
        assertThatThrownBy(() -> a.open(SECRET, altered)).isInstanceOf(UndecryptableSecretException.class)
                .hasMessageContaining("altered").hasMessageContaining(fileA.toString());
        ResourceKey other = ResourceKey.of(ResourceTypes.SECRET, "default", "default.ca-builtin-cert-ca-1");
        assertThatThrownBy(() -> a.open(other, sealed)).as("bound to its row").isInstanceOf(UndecryptableSecretException.class);
    }

    @Test
    void productionRefusesPostgresWithoutAKeyUnlessTheLabSwitchIsOn() throws IOException {
        assertThatThrownBy(() -> SecretsAtRest.fromConfig(new Config(Optional.empty(), false), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ursa.secrets.encryption-key-file")
                .hasMessageContaining("head -c 32 /dev/urandom | base64")
                .hasMessageContaining("ursa.secrets.allow-plaintext=true");

        assertThat(SecretsAtRest.fromConfig(new Config(Optional.empty(), true), true).key()).isEmpty();
        assertThat(SecretsAtRest.fromConfig(new Config(Optional.empty(), false), false).key()).as("dev and test").isEmpty();
        Path file = keyFile("a");
        assertThat(SecretsAtRest.fromConfig(new Config(Optional.of(file), false), true).key()).get()
                .extracting(EncryptionKey::source).isEqualTo(file.toString());
    }

    @Test
    void aKeyFileThatIsMissingNotBase64OrNot256BitsIsRefusedNamingTheKey() throws IOException {
        Path missing = dir.resolve("none");
        Path text = Files.writeString(dir.resolve("text"), "not base64 at all!");
        Path shortKey = Files.writeString(dir.resolve("short"), Base64.getEncoder().encodeToString(new byte[16]));

        for (Path bad : new Path[]{missing, text, shortKey}) {
            assertThatThrownBy(() -> SecretsAtRest.fromConfig(new Config(Optional.of(bad), true), true))
                    .as(bad.toString()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ursa.secrets.encryption-key-file").hasMessageContaining(bad.toString())
                    .hasMessageContaining("head -c 32 /dev/urandom | base64");
        }
    }

    private Path keyFile(String name) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Files.writeString(dir.resolve(name), Base64.getEncoder().encodeToString(key) + "\n");
    }
}
