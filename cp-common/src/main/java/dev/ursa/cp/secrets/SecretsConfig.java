package dev.ursa.cp.secrets;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** {@code ursa.secrets.*}: how a Postgres-backed control plane keeps {@code Secret}s and {@code GlobalSecret}s at rest. */
@ConfigMapping(prefix = "ursa.secrets")
public interface SecretsConfig {
    /**
     * A file holding the 256-bit key (base64, e.g. {@code head -c 32 /dev/urandom | base64}) that encrypts secrets in
     * the database (AES-256-GCM). Every control plane sharing a database needs the same key. Required in production
     * with {@code ursa.store.type=postgres} unless {@link #allowPlaintext()}.
     */
    Optional<Path> encryptionKeyFile();

    /** Lab switch: start without {@link #encryptionKeyFile()} and keep secrets in plaintext (logged as a WARN at start). */
    @WithDefault("false")
    boolean allowPlaintext();
}
