package dev.ursa.mesh.model;

import java.util.Set;

/**
 * Labels the control plane sets itself. A user who could set them could pass a policy off as another zone's (policy
 * precedence reads {@code kuma.io/origin}) or a resource off as synced, so the admin API refuses them on writes (a zone accepts only the truth about itself: origin zone, its own name).
 */
public final class ReservedLabels {
    /** {@code global} on what a zone received from the global, {@code zone} on what the global received from a zone. */
    public static final String ORIGIN = "kuma.io/origin";
    /** The zone a synced resource came from. */
    public static final String ZONE = "kuma.io/zone";
    public static final Set<String> ALL = Set.of(ORIGIN, ZONE);
    /** {@link #ORIGIN} of what a zone received from the global, and of what the global received from a zone. */
    public static final String ORIGIN_GLOBAL = "global";
    public static final String ORIGIN_ZONE = "zone";

    private ReservedLabels() {
    }
}
