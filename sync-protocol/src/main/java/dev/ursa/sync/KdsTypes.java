package dev.ursa.sync;

import dev.ursa.mesh.model.ReservedLabels;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which resource types travel over KDS, in which direction, under which type URL. The direction follows
 * {@link dev.ursa.mesh.model.Owner}; Zone and ZoneInsight never travel (the global keeps them), and ZoneIngress goes
 * both ways: up from its own zone, down to every other zone.
 */
public final class KdsTypes {
    public static final String TYPE_URL_PREFIX = "type.ursa.dev/kds.v1.";
    /** Labels the sync sets on the receiving side. They are excluded from versions so both sides agree on them. */
    public static final String ORIGIN_LABEL = ReservedLabels.ORIGIN;
    public static final String ZONE_LABEL = ReservedLabels.ZONE;
    public static final String ORIGIN_GLOBAL = ReservedLabels.ORIGIN_GLOBAL;
    public static final String ORIGIN_ZONE = ReservedLabels.ORIGIN_ZONE;

    private KdsTypes() {
    }

    public static String typeUrl(ResourceType type) {
        return TYPE_URL_PREFIX + type.name();
    }

    /** The type a URL names, or empty for a URL of another protocol version or a type this build does not know. */
    public static Optional<ResourceType> byTypeUrl(String typeUrl) {
        if (typeUrl == null || !typeUrl.startsWith(TYPE_URL_PREFIX)) return Optional.empty();
        return ResourceTypes.byName(typeUrl.substring(TYPE_URL_PREFIX.length()));
    }

    /** Global to zone, in apply order: meshes first, so a policy never arrives before its mesh. */
    public static List<ResourceType> globalToZone() {
        List<ResourceType> types = new ArrayList<>();
        types.add(ResourceTypes.MESH);
        types.add(ResourceTypes.TOKEN_TRUST);
        types.addAll(ResourceTypes.policies());
        types.add(ResourceTypes.ZONE_INGRESS);
        return List.copyOf(types);
    }

    /** Zone to global. */
    public static List<ResourceType> zoneToGlobal() {
        return List.of(ResourceTypes.ZONE_INGRESS, ResourceTypes.DATAPLANE, ResourceTypes.DATAPLANE_INSIGHT);
    }
}
