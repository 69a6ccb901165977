package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ursa.mesh.model.SensitiveSpec;

import java.util.Base64;

/**
 * A mesh-scoped secret in Kuma's format ({@code type: Secret}): {@code data} is base64. Holds CA certificates and keys
 * (builtin CAs are stored as {@code <mesh>.ca-builtin-cert-<backend>} / {@code <mesh>.ca-builtin-key-<backend>}).
 * Sensitive: synced to zones over KDS (TLS), never exported as a change event, shown in clear only to admins, never
 * in {@code toString}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretSpec(String data) implements SensitiveSpec {
    /**
     * The decoded data. Read as Kuma's protobuf JSON reads bytes: standard or URL-safe base64, padded or not.
     *
     * @throws IllegalArgumentException when {@code data} is not base64 (the message never quotes it)
     */
    @JsonIgnore
    public byte[] bytes() {
        if (data == null) return new byte[0];
        String s = data.replace('-', '+').replace('_', '/');
        if (s.endsWith("==")) s = s.substring(0, s.length() - 2);
        else if (s.endsWith("=")) s = s.substring(0, s.length() - 1);
        try {
            return Base64.getDecoder().decode(s + "=".repeat((4 - s.length() % 4) % 4));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not valid base64");
        }
    }

    @Override
    public SecretSpec redacted() {
        return new SecretSpec(REDACTED);
    }

    @Override
    public String toString() {
        return "SecretSpec[data=" + REDACTED + "]";
    }
}
