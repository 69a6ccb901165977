package dev.ursa.sync;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.ReservedLabels;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.model.TypeRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which resource types travel over KDS, in which direction, under which type URL. The direction follows
 * {@link dev.ursa.mesh.model.Owner} (for a policy, its descriptor's {@link PolicyType#syncedFrom()}); Zone and
 * ZoneInsight never travel (the global keeps them), and ZoneIngress goes both ways: up from its own zone, down to every
 * other zone. The lists without a registry are this build's ({@link ResourceTypes#registry()}).
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

    /** Global to zone, in apply order: meshes first, so a policy or Secret never arrives before its mesh. */
    public static List<ResourceType> globalToZone() {
        return globalToZone(ResourceTypes.registry());
    }

    /** Global to zone for the types of {@code types}. */
    public static List<ResourceType> globalToZone(TypeRegistry types) {
        List<ResourceType> out = new ArrayList<>();
        out.add(ResourceTypes.MESH);
        out.add(ResourceTypes.SECRET); // mesh CAs: zones issue workload certificates from them
        out.add(ResourceTypes.TOKEN_TRUST);
        out.addAll(policies(types, Owner.GLOBAL));
        out.add(ResourceTypes.ZONE_INGRESS);
        return List.copyOf(out);
    }

    /** Zone to global. */
    public static List<ResourceType> zoneToGlobal() {
        return zoneToGlobal(ResourceTypes.registry());
    }

    /** Zone to global for the types of {@code types}. */
    public static List<ResourceType> zoneToGlobal(TypeRegistry types) {
        List<ResourceType> out = new ArrayList<>(List.of(ResourceTypes.ZONE_INGRESS, ResourceTypes.DATAPLANE, ResourceTypes.DATAPLANE_INSIGHT));
        out.addAll(policies(types, Owner.ZONE));
        return List.copyOf(out);
    }

    private static List<ResourceType> policies(TypeRegistry types, Owner syncedFrom) {
        return types.policyTypes().stream().filter(p -> p.syncedFrom() == syncedFrom).map(PolicyType::type).toList();
    }
}
