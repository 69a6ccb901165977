package dev.ursa.mesh.resources;

import dev.ursa.mesh.policy.common.GoValidators;
import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.Violations;

/** Address and port rules shared by Dataplane and ZoneIngress. Never resolves names (no DNS in validation). */
final class Addresses {
    private Addresses() {
    }

    /** govalidator's {@code IsIP}: Go's {@code net.ParseIP} succeeds. */
    static boolean isIp(String s) {
        return GoValidators.isIp(s);
    }

    /**
     * govalidator's {@code IsDNSName}, except that an all-numeric dotted name is a malformed IPv4 address here, not a
     * host name (Kuma takes {@code 10.0.0.300} as a name to resolve; Ursa refuses the typo when it is written).
     */
    static boolean isDnsName(String s) {
        if (s == null || s.matches("^[0-9.]+$")) return false;
        return GoValidators.isDnsName(s);
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
