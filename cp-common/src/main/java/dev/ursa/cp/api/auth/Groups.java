package dev.ursa.cp.api.auth;

import java.util.List;

/**
 * The groups a user token can carry, as Kuma names them. Only these two exist: a token naming another group is never
 * minted, and a group this build does not know grants nothing.
 */
public final class Groups {
    /** Everything: every read and write, token minting, rotation and revocation. */
    public static final String ADMIN = "mesh-system:admin";
    /** Reads only (GET/HEAD), never secrets or token endpoints. */
    public static final String READONLY = "mesh-system:readonly";
    public static final List<String> KNOWN = List.of(ADMIN, READONLY);
    /** Names under this prefix are the control plane's own identities; no user token may take one. */
    public static final String RESERVED_PREFIX = "mesh-system:";

    private Groups() {
    }
}
