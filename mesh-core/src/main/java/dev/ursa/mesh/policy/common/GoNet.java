package dev.ursa.mesh.policy.common;

import java.util.Optional;

/**
 * Go's {@code net.SplitHostPort}, ported exactly, because Kuma's validators decide on its result (an OpenTelemetry
 * endpoint, a TCP logging backend's address) and a user's file must be accepted or refused as Kuma would.
 */
public final class GoNet {
    private GoNet() {
    }

    /** A split {@code host:port}; IPv6 hosts without their brackets. Either part may be empty, as in Go. */
    public record HostPort(String host, String port) {
    }

    /** What Go's {@code net.SplitHostPort} returns, or empty where it returns an error. */
    public static Optional<HostPort> splitHostPort(String hostport) {
        int i = hostport.lastIndexOf(':');
        if (i < 0) return Optional.empty(); // missing port
        int j = 0;
        int k = 0;
        String host;
        if (hostport.charAt(0) == '[') {
            // the first ']' must come just before the last ':'
            int end = hostport.indexOf(']');
            if (end < 0 || end + 1 != i) return Optional.empty();
            host = hostport.substring(1, end);
            j = 1;
            k = end + 1;
        } else {
            host = hostport.substring(0, i);
            if (host.indexOf(':') >= 0) return Optional.empty(); // too many colons
        }
        if (hostport.indexOf('[', j) >= 0 || hostport.indexOf(']', k) >= 0) return Optional.empty();
        return Optional.of(new HostPort(host, hostport.substring(i + 1)));
    }
}
