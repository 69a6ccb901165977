package dev.ursa.mesh.resources;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.Violations;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Address and port rules shared by Dataplane and ZoneIngress. Never resolves names (no DNS in validation). */
final class Addresses {
    private static final Pattern IPV4 = Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    // Same shape as the govalidator.IsDNSName check Kuma uses: labels of up to 63 characters, optional trailing dot.
    private static final Pattern DNS_NAME = Pattern.compile("^([a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(\\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$");

    private Addresses() {
    }

    static boolean isIp(String s) {
        if (s == null || s.isEmpty()) return false;
        if (IPV4.matcher(s).matches()) return true;
        if (!s.contains(":")) return false; // only IPv6 literals go to InetAddress, which then parses without DNS
        try {
            // an IPv6 literal, IPv4-mapped ones (::ffff:c0a8:1) included, which Java hands back as IPv4 addresses
            return !s.startsWith("[") && InetAddress.getByName(s) != null;
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    static boolean isDnsName(String s) {
        if (s == null || s.isEmpty() || s.length() > 255) return false;
        // an all-numeric dotted name is a malformed IPv4 address, not a host name
        if (s.matches("^[0-9.]+$")) return false;
        return DNS_NAME.matcher(s).matches();
    }

    /** Kuma's validateAddress: required, not a wildcard, an IP or a domain name. */
    static void validateAddress(String address, FieldPath path, Violations out) {
        if (address == null || address.isEmpty()) {
            out.add(path, "address can't be empty");
            return;
        }
        if (address.equals("0.0.0.0") || address.equals("::")) {
            out.add(path, "must not be 0.0.0.0 or ::");
        } else if (!isIp(address) && !isDnsName(address)) {
            out.add(path, "address has to be valid IP address or domain name");
        }
    }

    /** Kuma's ValidatePort: 1..65535; an absent port counts as 0. */
    static void validatePort(Integer port, FieldPath path, Violations out) {
        if (port == null || port < 1 || port > 65535) {
            out.add(path, "port must be in the range [1, 65535]");
        }
    }
}
