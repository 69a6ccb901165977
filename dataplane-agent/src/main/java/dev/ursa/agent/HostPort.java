package dev.ursa.agent;

import java.net.InetSocketAddress;

/** A {@code HOST:PORT} address ({@code [v6]:PORT} for IPv6 literals); port 0 lets the system choose (tests). */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("no host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is not in 0..65535");
    }

    static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            return new HostPort(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT: the port is not a number");
        }
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
