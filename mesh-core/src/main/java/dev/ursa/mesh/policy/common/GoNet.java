package dev.ursa.mesh.policy.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Go's {@code net.SplitHostPort}, {@code net.ParseIP} and {@code net.ParseCIDR}, ported, because Kuma's validators
 * decide on their results (an OpenTelemetry endpoint, a TCP logging backend's address, a Dataplane's addresses, a
 * MeshPassthrough match) and a user's file must be accepted or refused as Kuma would.
 */
public final class GoNet {
    /** Dotted decimal, each part 0-255 without leading zeros (Go refuses them since 1.17). */
    private static final Pattern IPV4 = Pattern.compile("^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$");
    private static final Pattern HEX_GROUP = Pattern.compile("^[0-9a-fA-F]{0,4}$");
    private static final Pattern CIDR_BITS = Pattern.compile("^[0-9]+$");

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

    /**
     * Go's {@code net.ParseIP} on a literal, never a DNS lookup: IPv4 in dotted decimal, IPv6 with IPv4-mapped and
     * embedded IPv4 forms. Java's own parser accepts more than Go's (zones such as {@code fe80::1%1}, groups of five hex
     * digits, leading zeros in an embedded IPv4 part): those are refused before it runs. IPv4-mapped addresses come back
     * as IPv4 addresses, as Go's {@code To4} sees them.
     */
    public static Optional<InetAddress> parseIp(String s) {
        if (s == null || s.isEmpty()) return Optional.empty();
        if (!IPV4.matcher(s).matches() && !(s.contains(":") && ipv6Shape(s))) return Optional.empty();
        try {
            // only digits and dots, or hex digits, colons and dots: InetAddress parses the literal, never resolves it
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Whether Go's {@code net.ParseCIDR} succeeds: an IP address, a slash, a prefix length its family allows. */
    public static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) return false;
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        // Go's dtoi: decimal digits, leading zeros allowed
        if (!CIDR_BITS.matcher(bits).matches()) return false;
        String digits = bits.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 3) return false;
        int n = Integer.parseInt(digits);
        if (IPV4.matcher(ip).matches()) return n <= 32;
        return ip.contains(":") && parseIp(ip).isPresent() && n <= 128;
    }

    /** What Go's IPv6 parser takes group by group; InetAddress then checks the number of groups and the use of {@code ::}. */
    private static boolean ipv6Shape(String s) {
        String[] groups = s.split(":", -1);
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (i == groups.length - 1 && g.contains(".")) return IPV4.matcher(g).matches();
            if (!HEX_GROUP.matcher(g).matches()) return false;
        }
        return true;
    }
}
