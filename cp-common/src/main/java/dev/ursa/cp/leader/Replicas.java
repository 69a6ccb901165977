package dev.ursa.cp.leader;

import java.net.InetAddress;
import java.util.UUID;

/** Names of control-plane replicas. */
public final class Replicas {
    private Replicas() {
    }

    /** {@code <host name>-<8 hex digits>}: readable in insights and logs, unique per process run. */
    public static String newInstanceId() {
        return hostname() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "cp";
        }
    }
}
