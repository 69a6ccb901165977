package dev.ursa.cp.secrets;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The key that encrypts secrets at rest, read from {@code ursa.secrets.encryption-key-file}, with its id: a short
 * fingerprint stored next to every value it encrypts, so a read with another key says so instead of failing blindly
 * (and a rotation can later pick the key by id). Immutable.
 */
public final class EncryptionKey {
    static final String CONFIG_KEY = "ursa.secrets.encryption-key-file";
    static final String HOW_TO_CREATE = "create one with: head -c 32 /dev/urandom | base64 > ursa-secrets.key (mode 0600; "
            + "every control plane sharing the database needs the same file)";

    private final SecretKey key;
    private final String id;
    private final String source;

    EncryptionKey(byte[] bytes, String source) {
        if (bytes.length != 32) {
            throw new IllegalStateException(CONFIG_KEY + " (" + source + ") must hold a 256-bit key (32 bytes, base64), holds "
                    + bytes.length + " bytes; " + HOW_TO_CREATE);
        }
        this.key = new SecretKeySpec(bytes, "AES");
        this.id = fingerprint(bytes);
        this.source = source;
    }

    /** Reads the key file; fails with a message naming the key and how to make one. */
    public static EncryptionKey load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + CONFIG_KEY + " " + file + ": " + e + "; " + HOW_TO_CREATE);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(CONFIG_KEY + " " + file + " is not base64; " + HOW_TO_CREATE);
        }
        return new EncryptionKey(bytes, file.toString());
    }

    SecretKey key() {
        return key;
    }

    /** {@code k} and 8 hex digits of a SHA-256 of the key: safe to log, store and show. */
    public String id() {
        return id;
    }

    /** Where the key came from (the file), for messages. */
    public String source() {
        return source;
    }

    private static String fingerprint(byte[] bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("ursa-secrets-key-id:".getBytes(StandardCharsets.US_ASCII));
            return "k" + HexFormat.of().formatHex(sha.digest(bytes), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "EncryptionKey[" + id + " from " + source + "]";
    }
}
