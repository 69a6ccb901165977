package dev.ursa.cp.api.auth;

import java.util.List;
import java.util.Optional;

/**
 * Who sent an admin API request, as the authentication filter established it: a user token's subject and groups, the
 * loopback admin, or nobody (a path open to all). Immutable; resources read it through {@link CurrentCaller} (e.g. for
 * audit logs).
 *
 * @param name    the token's subject, or a {@code mesh-system:} name for the control plane's own identities
 * @param groups  known groups only (see {@link Groups})
 * @param tokenId the user token's id (jti) when a token authenticated the request
 */
public record Caller(String name, List<String> groups, Optional<String> tokenId) {
    /** A loopback caller while {@code ursa.api.localhost-is-admin} is on. */
    public static final Caller LOCALHOST = new Caller("mesh-system:localhost", List.of(Groups.ADMIN), Optional.empty());
    /** A caller without credentials on a path open to everyone (health). */
    public static final Caller ANONYMOUS = new Caller("mesh-system:anonymous", List.of(), Optional.empty());

    public Caller {
        groups = List.copyOf(groups);
    }

    public boolean isAdmin() {
        return groups.contains(Groups.ADMIN);
    }

    public boolean canRead() {
        return isAdmin() || groups.contains(Groups.READONLY);
    }

    /** For logs: the name, and the token id when there is one (never the token). */
    public String describe() {
        return tokenId.map(id -> name + " (user token " + id + ")").orElse(name);
    }
}
