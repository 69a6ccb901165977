package dev.ursa.cp.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.StoreException;
import org.jboss.logging.Logger;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * How a database store keeps the specs of {@code Secret} and {@code GlobalSecret} rows: sealed with AES-256-GCM under
 * the configured {@link EncryptionKey}, or (no key) as plaintext. The stored spec of a sealed row is the JSON object
 * {@code {"$sealed": "v1.<key id>.<base64 of nonce + ciphertext + tag>"}}: {@code v1} is the format, the key id says
 * which key sealed it (for a clear error with another key, and a later rotation), and the row's key (type, mesh, name)
 * is the GCM associated data, so a sealed value copied into another row does not open. A plaintext spec of a sealed
 * type (written before the key was configured) still reads, and is sealed on its next write. Thread-safe.
 */
public final class SecretsAtRest {
    private static final Logger LOG = Logger.getLogger(SecretsAtRest.class);
    static final String FIELD = "$sealed";
    static final String FORMAT = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> SEALED_TYPES = Set.of(ResourceTypes.SECRET.name(), ResourceTypes.GLOBAL_SECRET.name());

    private final EncryptionKey key;

    private SecretsAtRest(EncryptionKey key) {
        this.key = key;
    }

    /** No key: secrets are stored as they are (sealed rows found later fail with a clear error). */
    public static SecretsAtRest plaintext() {
        return new SecretsAtRest(null);
    }

    public static SecretsAtRest sealedWith(EncryptionKey key) {
        return new SecretsAtRest(key);
    }

    /**
     * The start-up rule: the configured key; without one, plaintext in dev and test, and in production only with
     * {@code ursa.secrets.allow-plaintext=true} (a WARN); otherwise the control plane refuses to start.
     */
    public static SecretsAtRest fromConfig(SecretsConfig config, boolean production) {
        if (config.encryptionKeyFile().isPresent()) {
            EncryptionKey loaded = EncryptionKey.load(config.encryptionKeyFile().get());
            LOG.infof("secrets at rest: Secrets and GlobalSecrets are encrypted (AES-256-GCM) with key %s from %s",
                    loaded.id(), loaded.source());
            return sealedWith(loaded);
        }
        if (production && !config.allowPlaintext()) {
            throw new IllegalStateException("ursa.store.type=postgres in production needs " + EncryptionKey.CONFIG_KEY
                    + " (URSA_SECRETS_ENCRYPTION_KEY_FILE): a file holding the 256-bit key that encrypts Secrets and GlobalSecrets in "
                    + "the database; " + EncryptionKey.HOW_TO_CREATE + ". For a lab only, ursa.secrets.allow-plaintext=true "
                    + "starts without it and stores secrets in plaintext");
        }
        LOG.warnf("secrets at rest: NO ENCRYPTION KEY (%s unset%s): Secrets and GlobalSecrets (CA and signing keys) are stored "
                + "in the database in plaintext; " + EncryptionKey.HOW_TO_CREATE, EncryptionKey.CONFIG_KEY,
                production ? ", ursa.secrets.allow-plaintext=true" : ", dev/test mode");
        return plaintext();
    }

    public Optional<EncryptionKey> key() {
        return Optional.ofNullable(key);
    }

    public static boolean sealedType(String type) {
        return SEALED_TYPES.contains(type);
    }

    /** The spec JSON to store for {@code row}: sealed when its type is a secret type and a key is configured. */
    public String seal(ResourceKey row, String specJson) {
        if (key == null || !sealedType(row.type())) return specJson;
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(row));
            byte[] sealed = cipher.doFinal(specJson.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            String value = FORMAT + "." + key.id() + "." + Base64.getEncoder().encodeToString(out);
            return JsonNodeFactory.instance.objectNode().put(FIELD, value).toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt " + describe(row) + ": " + e.getMessage(), e);
        }
    }

    /** The spec JSON of a stored spec: opened when sealed, as is when plaintext (rows written before the key). */
    public String open(ResourceKey row, String stored) {
        Optional<String> sealed = sealedValue(row, stored);
        if (sealed.isEmpty()) return stored;
        String[] parts = sealed.get().split("\\.", 3);
        if (parts.length != 3 || !FORMAT.equals(parts[0])) {
            throw new UndecryptableSecretException(describe(row) + " is stored encrypted in an unknown format ("
                    + (parts.length > 0 ? parts[0] : "") + "): written by a newer Ursa?", null);
        }
        if (key == null) {
            throw new UndecryptableSecretException(describe(row) + " is stored encrypted (key " + parts[1] + ") but no "
                    + EncryptionKey.CONFIG_KEY + " is configured: configure the key file it was written with", null);
        }
        if (!key.id().equals(parts[1])) {
            throw new UndecryptableSecretException(describe(row) + " was encrypted with key " + parts[1] + ", but "
                    + EncryptionKey.CONFIG_KEY + " (" + key.source() + ") holds key " + key.id()
                    + ": configure the key file it was written with", null);
        }
        try {
            byte[] in = Base64.getDecoder().decode(parts[2]);
            if (in.length < NONCE_BYTES + TAG_BITS / 8) throw new AEADBadTagException("too short");
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(aad(row));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new UndecryptableSecretException(describe(row) + " does not decrypt with " + EncryptionKey.CONFIG_KEY + " ("
                    + key.source() + ", key " + key.id() + "): the stored value was altered or copied from another row", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt " + describe(row) + ": " + e.getMessage(), e);
        }
    }

    /** Whether a stored spec should be rewritten sealed: a plaintext secret while a key is configured. */
    public boolean needsSealing(ResourceKey row, String stored) {
        return key != null && sealedType(row.type()) && sealedValue(row, stored).isEmpty();
    }

    private static Optional<String> sealedValue(ResourceKey row, String stored) {
        if (!sealedType(row.type())) return Optional.empty();
        try {
            JsonNode node = Json.JSON.readTree(stored);
            if (node != null && node.isObject() && node.size() == 1 && node.get(FIELD) != null && node.get(FIELD).isTextual()) {
                return Optional.of(node.get(FIELD).asText());
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty(); // not JSON: the spec decoder reports it
        }
    }

    private static byte[] aad(ResourceKey row) {
        return (row.type() + "\u0000" + row.mesh() + "\u0000" + row.name()).getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(ResourceKey row) {
        return StoreException.describe(row);
    }
}
