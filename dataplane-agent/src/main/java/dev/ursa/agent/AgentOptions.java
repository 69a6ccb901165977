package dev.ursa.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What one agent runs with, validated.
 *
 * @param cp        the zone CP's xDS address as given ({@code HOST:PORT}), also the bootstrap's {@code server_uri}
 * @param token     the dataplane token (a secret: never logged)
 * @param nodeId    {@code <mesh>.<dataplane name>}
 * @param dataplane the Dataplane resource's text, or null
 * @param dir       where bootstrap.json and the certificate generations live (absolute)
 * @param trustPoll how often GetTrust is asked
 */
public record AgentOptions(HostPort cp, String token, String nodeId, String dataplane, Path dir, Duration trustPoll) {
    public AgentOptions {
        Objects.requireNonNull(cp, "cp");
        if (token == null || token.isBlank()) throw new IllegalArgumentException("the dataplane token is empty");
        if (nodeId == null || !nodeId.matches("[^.\\s]+\\.\\S+")) {
            throw new IllegalArgumentException("node id '" + nodeId + "' is not <mesh>.<dataplane name>");
        }
        if (dataplane != null && dataplane.isBlank()) dataplane = null;
        dir = dir.toAbsolutePath().normalize();
        if (trustPoll.isNegative() || trustPoll.isZero()) throw new IllegalArgumentException("--trust-poll must be positive");
    }

    /** The mesh part of the node id. */
    public String mesh() {
        return nodeId.substring(0, nodeId.indexOf('.'));
    }

    @Override
    public String toString() { // never the token
        return "AgentOptions[cp=" + cp + ", nodeId=" + nodeId + ", dataplane=" + (dataplane == null ? "none" : "given")
                + ", dir=" + dir + ", trustPoll=" + trustPoll + "]";
    }
}
