package dev.ursa.mesh.policy.common;

import java.util.Locale;
import java.util.Optional;

/**
 * What Go's {@code net/url.ParseRequestURI} makes of a URL, for Kuma's checks and renderings of collector URLs
 * (MeshTrace's Zipkin and Datadog {@code url}). Empty where Go returns an error. No fragment: Go reads a request URI
 * as having none, so a {@code #} stays in the path or query.
 *
 * @param host the host and port as written ({@code url.Host})
 */
public record GoRequestUri(String scheme, String opaque, String user, String host, String path, String rawQuery) {

    public static Optional<GoRequestUri> parse(String raw) {
        if (raw == null || raw.isEmpty()) return Optional.empty();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f) return Optional.empty();
        }
        if (raw.equals("*")) return Optional.of(new GoRequestUri("", "", null, "", "*", ""));
        String scheme = "";
        String rest = raw;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
            if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
                if (i == 0) break;
                continue;
            }
            if (c == ':') {
                if (i == 0) return Optional.empty(); // missing protocol scheme
                scheme = raw.substring(0, i).toLowerCase(Locale.ROOT);
                rest = raw.substring(i + 1);
            }
            break;
        }
        String rawQuery = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            rawQuery = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        if (!rest.startsWith("/")) {
            if (!scheme.isEmpty()) return Optional.of(new GoRequestUri(scheme, rest, null, "", "", rawQuery));
            return Optional.empty(); // invalid URI for request
        }
        String user = null;
        String host = "";
        if (!scheme.isEmpty() && rest.startsWith("//")) {
            String authorityAndPath = rest.substring(2);
            int slash = authorityAndPath.indexOf('/');
            String authority = slash < 0 ? authorityAndPath : authorityAndPath.substring(0, slash);
            rest = slash < 0 ? "" : authorityAndPath.substring(slash);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                user = authority.substring(0, at);
                authority = authority.substring(at + 1);
            }
            if (!validHost(authority)) return Optional.empty();
            host = authority;
        }
        if (!validEscapes(rest)) return Optional.empty();
        return Optional.of(new GoRequestUri(scheme, "", user, host, rest, rawQuery));
    }

    /** {@code url.Port()}: the digits after the host's last ':' (outside IPv6 brackets), or "". */
    public String port() {
        int close = host.lastIndexOf(']');
        int colon = host.lastIndexOf(':');
        if (colon < 0 || colon < close) return "";
        return host.substring(colon + 1);
    }

    /** {@code url.Hostname()}: the host without port and IPv6 brackets. */
    public String hostname() {
        String h = host;
        int close = h.lastIndexOf(']');
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && colon > close) h = h.substring(0, colon);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        return h;
    }

    private static boolean validHost(String host) {
        String port;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) return false; // missing ']' in host
            port = host.substring(close + 1);
            if (!port.isEmpty() && !port.startsWith(":")) return false;
        } else {
            int colon = host.lastIndexOf(':');
            port = colon < 0 ? "" : host.substring(colon);
        }
        for (int i = 1; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') return false; // invalid port
        }
        return true;
    }

    private static boolean validEscapes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '%') continue;
            if (i + 2 >= s.length() || !hex(s.charAt(i + 1)) || !hex(s.charAt(i + 2))) return false;
            i += 2;
        }
        return true;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
