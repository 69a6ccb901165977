package dev.ursa.mesh.resources;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration format of Kuma's Mesh fields ({@code mtls.backends[].dpCert.rotation.expiration}, builtin
 * {@code caCert.expiration}): Kuma's {@code mesh.ParseDuration}, one integer and one unit of {@code y} (365 days),
 * {@code w}, {@code d}, {@code h}, {@code m}, {@code s} or {@code ms}, or a bare {@code 0}. Not Go's durations:
 * {@code 1h30m} is refused, as Kuma refuses it.
 */
public final class MeshDuration {
    private static final Pattern FORMAT = Pattern.compile("^(\\d+)(y|w|d|h|m|s|ms)$");

    private MeshDuration() {
    }

    /** The duration, or empty when {@code text} is not in Kuma's format (null and "" included). */
    public static Optional<Duration> parse(String text) {
        if ("0".equals(text)) return Optional.of(Duration.ZERO);
        if (text == null) return Optional.empty();
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) return Optional.empty();
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(switch (m.group(2)) {
                case "y" -> Duration.ofDays(Math.multiplyExact(n, 365L));
                case "w" -> Duration.ofDays(Math.multiplyExact(n, 7L));
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }
}
