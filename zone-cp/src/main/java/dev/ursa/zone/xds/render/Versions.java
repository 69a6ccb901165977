package dev.ursa.zone.xds.render;

import com.google.protobuf.Message;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;

/**
 * Content versions: a hash of a type's resources for one node. Equal content gives an equal version, so a recompute
 * that changes nothing pushes nothing, and each type (and each node) moves on its own.
 */
public final class Versions {
    private Versions() {
    }

    /** Resources must come in a stable order (renderers sort them by name). */
    public static String of(Collection<? extends Message> resources) {
        MessageDigest sha = sha256();
        for (Message m : resources) {
            sha.update(m.toByteString().asReadOnlyByteBuffer());
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    public static String ofText(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)), 0, 8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
