package dev.ursa.mesh.policy.meshpassthrough;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Go's net.ParseIP and net.ParseCIDR on literals (never a DNS lookup), as govalidator's IsIP and IsCIDR use them. */
final class IpAddresses {
    /** Dotted decimal, each part 0-255 without leading zeros (Go rejects them since 1.17). */
    private static final Pattern IPV4 = Pattern.compile("^(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9a-fA-F:.]+$");

    private IpAddresses() {
    }

    static boolean isIp(String s) {
        return isIpv4(s) || isIpv6(s);
    }

    static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) return false;
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (!bits.matches("^(0|[1-9][0-9]{0,2})$")) return false;
        int n = Integer.parseInt(bits);
        if (isIpv4(ip)) return n <= 32;
        return isIpv6(ip) && n <= 128;
    }

    private static boolean isIpv4(String s) {
        if (!IPV4.matcher(s).matches()) return false;
        for (String part : s.split("\\.")) if (Integer.parseInt(part) > 255) return false;
        return true;
    }

    private static boolean isIpv6(String s) {
        // A literal with a colon is parsed, never resolved; zones (%eth0) are not IPs for Go's ParseIP.
        if (!s.contains(":") || !IPV6_CHARS.matcher(s).matches()) return false;
        int dot = s.lastIndexOf(':');
        if (s.indexOf('.') >= 0 && !isIpv4(s.substring(dot + 1))) return false;
        try {
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException | IllegalArgumentException e) {
            return false;
        }
    }
}
