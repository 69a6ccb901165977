package dev.ursa.cp.mtls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.resources.MeshMtls;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A builtin backend's {@code conf.caCert}: {@code RSAbits} (default 2048) and {@code expiration} (default 10 years, in
 * Kuma's mesh duration format: one number and one unit of {@code y w d h m s ms}, a year being 365 days).
 */
record BuiltinCaSettings(int rsaBits, Duration expiration) {
    static final int DEFAULT_RSA_BITS = 2048;
    static final Duration DEFAULT_EXPIRATION = Duration.ofDays(3650);
    /** Kuma's {@code mesh.ParseDuration}. */
    private static final Pattern DURATION = Pattern.compile("^(\\d+)(y|w|d|h|m|s|ms)$");

    /** Throws {@link IllegalArgumentException} naming the field when a value is unusable. */
    static BuiltinCaSettings of(MeshMtls.Backend backend) {
        JsonNode caCert = backend.conf() == null ? null : backend.conf().get("caCert");
        int bits = DEFAULT_RSA_BITS;
        Duration expiration = DEFAULT_EXPIRATION;
        if (caCert != null && caCert.hasNonNull("RSAbits")) {
            JsonNode n = caCert.get("RSAbits");
            try {
                bits = n.isNumber() ? n.intValue() : Integer.parseInt(n.asText());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("conf.caCert.RSAbits: must be a number, is " + n);
            }
            if (bits == 0) bits = DEFAULT_RSA_BITS; // Kuma: 0 means the default
            if (bits < 2048 || bits > 8192) throw new IllegalArgumentException("conf.caCert.RSAbits: must be 2048 to 8192, is " + bits);
        }
        if (caCert != null && caCert.hasNonNull("expiration") && !caCert.get("expiration").asText().isEmpty()) {
            expiration = parseDuration(caCert.get("expiration").asText());
            if (expiration.isZero()) throw new IllegalArgumentException("conf.caCert.expiration: must be longer than 0");
        }
        return new BuiltinCaSettings(bits, expiration);
    }

    static Duration parseDuration(String text) {
        if (text.equals("0")) return Duration.ZERO;
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("conf.caCert.expiration: \"" + text + "\" is not a duration like \"10y\", \"52w\", \"30d\" or \"12h\"");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "y" -> Duration.ofDays(365 * n);
            case "w" -> Duration.ofDays(7 * n);
            case "d" -> Duration.ofDays(n);
            case "h" -> Duration.ofHours(n);
            case "m" -> Duration.ofMinutes(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMillis(n);
        };
    }
}
