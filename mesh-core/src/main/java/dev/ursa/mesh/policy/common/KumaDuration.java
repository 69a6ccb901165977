package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration written as Kuma (Go) writes it: {@code "10s"}, {@code "1m30s"}, {@code "500ms"}, {@code "1h"}.
 * Keeps the user's text so a resource round-trips byte for byte.
 */
public record KumaDuration(String text, Duration value) {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    /** No timeout, interval or delay in a mesh needs more; larger values are typos that would overflow Envoy's fields. */
    public static final Duration MAX = Duration.ofDays(3650);
    private static final String MAX_TEXT = "87600h (10 years)";

    /** Not a JSON creator: without this, an object ({@code {}}) would bind to the components and leave value null. */
    @JsonCreator(mode = JsonCreator.Mode.DISABLED)
    public KumaDuration {
    }

    @JsonCreator
    public static KumaDuration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("invalid duration \"\": must be like \"10s\", \"1m30s\" or \"500ms\"");
        }
        String s = text;
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) s = s.substring(1);
        if (s.equals("0")) return new KumaDuration(text, Duration.ZERO);
        Matcher m = PART.matcher(s);
        int pos = 0;
        double nanos = 0;
        while (pos < s.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\": must be like \"10s\", \"1m30s\" or \"500ms\"");
            }
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            pos = m.end();
        }
        if (nanos > MAX.toNanos()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\": must be at most " + MAX_TEXT);
        }
        Duration d = Duration.ofNanos((long) nanos);
        return new KumaDuration(text, negative ? d.negated() : d);
    }

    public static KumaDuration of(String text) {
        return parse(text);
    }

    @JsonValue
    public String text() {
        return text;
    }

    public boolean isNegative() {
        return value.isNegative();
    }

    public boolean isZero() {
        return value.isZero();
    }

    @Override
    public String toString() {
        return text;
    }
}
