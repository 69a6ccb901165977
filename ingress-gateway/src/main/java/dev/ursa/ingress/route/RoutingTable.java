package dev.ursa.ingress.route;

import java.util.Locale;
import java.util.Map;

/**
 * The ingress's routing table as its zone CP last sent it: routes by TLS SNI and by HTTP/2 authority.
 * Immutable; a new config replaces the whole table atomically.
 */
public record RoutingTable(String version, Map<String, Route> bySni, Map<String, Route> byAuthority) {
    public static final RoutingTable EMPTY = new RoutingTable("", Map.of(), Map.of());

    public RoutingTable {
        bySni = Map.copyOf(bySni);
        byAuthority = Map.copyOf(byAuthority);
    }

    /** The route for a TLS SNI (host names are case-insensitive); null when unknown. */
    public Route sni(String hostname) {
        return hostname == null ? null : bySni.get(hostname.toLowerCase(Locale.ROOT));
    }

    /** The route for an h2 {@code :authority} ({@code host[:port]}; the port is ignored); null when unknown. */
    public Route authority(String authority) {
        if (authority == null) return null;
        String host = authority;
        if (!host.startsWith("[")) {
            int colon = host.lastIndexOf(':');
            if (colon > 0 && host.indexOf(':') == colon) host = host.substring(0, colon);
        }
        Route r = byAuthority.get(host);
        return r != null ? r : byAuthority.get(host.toLowerCase(Locale.ROOT));
    }
}
