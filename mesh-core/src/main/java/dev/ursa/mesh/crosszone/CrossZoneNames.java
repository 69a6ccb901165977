package dev.ursa.mesh.crosszone;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The names both ends of cross-zone traffic agree on, defined once: the TLS SNI a client sets when it reaches service
 * S of mesh M through another zone's ingress. Service and mesh names may hold characters a DNS host name may not
 * ({@code _}, upper case), and Java's TLS stack only sends valid host names, so the SNI is a sanitised, readable form
 * plus a short hash of the exact pair; an ingress never parses it, it looks it up in the table its zone CP sends.
 */
public final class CrossZoneNames {
    public static final String SNI_SUFFIX = ".ursa";

    private CrossZoneNames() {
    }

    /** E.g. {@code backend.default.3f2a9c01.ursa} for service {@code backend} in mesh {@code default}. */
    public static String sni(String mesh, String service) {
        return label(service) + "." + label(mesh) + "." + hash8(mesh + "/" + service) + SNI_SUFFIX;
    }

    private static String label(String s) {
        String l = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (l.isEmpty()) l = "x";
        return l.length() > 40 ? l.substring(0, 40).replaceAll("-+$", "") : l;
    }

    private static String hash8(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
