package dev.ursa.cp.api.auth;

import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Whether a connection's peer is this host's loopback (127.0.0.0/8, ::1, or an IPv4-mapped loopback). Only the TCP
 * peer counts, never a header: {@code X-Forwarded-For} or {@code Forwarded} cannot make a remote caller local.
 */
final class Loopback {
    /** IP literals only, so that parsing never turns into a name lookup. */
    private static final Pattern IP_LITERAL = Pattern.compile("^(\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\w.-]+)?)$");

    private Loopback() {
    }

    static boolean isLoopback(SocketAddress peer) {
        if (peer == null || !peer.isInetSocket() || peer.hostAddress() == null) return false;
        String ip = peer.hostAddress().replace("[", "").replace("]", "");
        if (!IP_LITERAL.matcher(ip).matches()) return false;
        try {
            return InetAddress.getByName(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
