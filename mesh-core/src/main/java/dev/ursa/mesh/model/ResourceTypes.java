package dev.ursa.mesh.model;

import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerSpec;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerValidator;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckSpec;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckValidator;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteSpec;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRouteValidator;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategyValidator;
import dev.ursa.mesh.policy.meshretry.MeshRetrySpec;
import dev.ursa.mesh.policy.meshretry.MeshRetryValidator;
import dev.ursa.mesh.policy.meshtimeout.MeshTimeoutSpec;
import dev.ursa.mesh.policy.meshtimeout.MeshTimeoutValidator;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionSpec;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionValidator;
import dev.ursa.mesh.resources.DataplaneInsightSpec;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.resources.DataplaneValidator;
import dev.ursa.mesh.resources.GlobalSecretSpec;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.resources.MeshValidator;
import dev.ursa.mesh.resources.TokenTrustSpec;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.resources.ZoneIngressValidator;
import dev.ursa.mesh.resources.ZoneInsightSpec;
import dev.ursa.mesh.resources.ZoneSpec;
import dev.ursa.mesh.validation.SpecValidator;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The one list of resource types Ursa knows. Adding a policy type is one line here plus its package. */
public final class ResourceTypes {
    public static final ResourceType MESH = new ResourceType("Mesh", "meshes", Scope.GLOBAL, Layout.INLINE, Owner.GLOBAL, false,
            MeshSpec.class, new MeshValidator());
    public static final ResourceType ZONE = new ResourceType("Zone", "zones", Scope.GLOBAL, Layout.INLINE, Owner.GLOBAL, false,
            ZoneSpec.class, SpecValidator.<ZoneSpec>none());
    public static final ResourceType ZONE_INSIGHT = new ResourceType("ZoneInsight", "zone-insights", Scope.GLOBAL, Layout.INLINE, Owner.ZONE, false,
            ZoneInsightSpec.class, SpecValidator.<ZoneInsightSpec>none());
    public static final ResourceType ZONE_INGRESS = new ResourceType("ZoneIngress", "zoneingresses", Scope.GLOBAL, Layout.INLINE, Owner.ZONE, false,
            ZoneIngressSpec.class, new ZoneIngressValidator());
    /** Internal (see {@link #byName}): zone-token signing key and revocations. Not in {@link #all()}: no REST, no KDS. */
    public static final ResourceType GLOBAL_SECRET = new ResourceType("GlobalSecret", "global-secrets", Scope.GLOBAL, Layout.INLINE, Owner.GLOBAL, false,
            GlobalSecretSpec.class, SpecValidator.<GlobalSecretSpec>none());
    /** Public keys and revoked ids of tokens the global issues, published by the global for zones; read-only. */
    public static final ResourceType TOKEN_TRUST = new ResourceType("TokenTrust", "tokentrusts", Scope.GLOBAL, Layout.INLINE, Owner.GLOBAL, false,
            TokenTrustSpec.class, SpecValidator.<TokenTrustSpec>none());
    public static final ResourceType DATAPLANE = new ResourceType("Dataplane", "dataplanes", Scope.MESH, Layout.INLINE, Owner.ZONE, false,
            DataplaneSpec.class, new DataplaneValidator());
    /** Computed by the zone, read-only through the API. */
    public static final ResourceType DATAPLANE_INSIGHT = new ResourceType("DataplaneInsight", "dataplane-insights", Scope.MESH, Layout.INLINE,
            Owner.ZONE, false, DataplaneInsightSpec.class, SpecValidator.<DataplaneInsightSpec>none());

    public static final ResourceType MESH_TRAFFIC_PERMISSION = ResourceType.policy("MeshTrafficPermission", "meshtrafficpermissions",
            MeshTrafficPermissionSpec.class, new MeshTrafficPermissionValidator());
    public static final ResourceType MESH_TIMEOUT = ResourceType.policy("MeshTimeout", "meshtimeouts",
            MeshTimeoutSpec.class, new MeshTimeoutValidator());
    public static final ResourceType MESH_RETRY = ResourceType.policy("MeshRetry", "meshretries",
            MeshRetrySpec.class, new MeshRetryValidator());
    public static final ResourceType MESH_LOAD_BALANCING_STRATEGY = ResourceType.policy("MeshLoadBalancingStrategy", "meshloadbalancingstrategies",
            MeshLoadBalancingStrategySpec.class, new MeshLoadBalancingStrategyValidator());
    public static final ResourceType MESH_HEALTH_CHECK = ResourceType.policy("MeshHealthCheck", "meshhealthchecks",
            MeshHealthCheckSpec.class, new MeshHealthCheckValidator());
    public static final ResourceType MESH_CIRCUIT_BREAKER = ResourceType.policy("MeshCircuitBreaker", "meshcircuitbreakers",
            MeshCircuitBreakerSpec.class, new MeshCircuitBreakerValidator());
    public static final ResourceType MESH_HTTP_ROUTE = ResourceType.policy("MeshHTTPRoute", "meshhttproutes",
            MeshHTTPRouteSpec.class, new MeshHTTPRouteValidator());

    private static final List<ResourceType> ALL = List.of(
            MESH, ZONE, ZONE_INSIGHT, ZONE_INGRESS, TOKEN_TRUST, DATAPLANE, DATAPLANE_INSIGHT,
            MESH_TRAFFIC_PERMISSION, MESH_TIMEOUT, MESH_RETRY, MESH_LOAD_BALANCING_STRATEGY,
            MESH_HEALTH_CHECK, MESH_CIRCUIT_BREAKER, MESH_HTTP_ROUTE);
    private static final Map<String, ResourceType> BY_NAME = java.util.stream.Stream.concat(ALL.stream(), java.util.stream.Stream.of(GLOBAL_SECRET)).collect(Collectors.toUnmodifiableMap(ResourceType::name, Function.identity()));
    private static final Map<String, ResourceType> BY_PLURAL = ALL.stream().collect(Collectors.toUnmodifiableMap(ResourceType::plural, Function.identity()));

    private ResourceTypes() {
    }

    public static List<ResourceType> all() {
        return ALL;
    }

    public static List<ResourceType> policies() {
        return ALL.stream().filter(ResourceType::policy).toList();
    }

    /** Every public type, and the internal ones (stores need them to read their rows back). */
    public static Optional<ResourceType> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /**
     * Whether changes of this type may leave the control plane (change events, Kafka export): false for the internal
     * types, which hold secrets (signing keys, revocations), and for names this build does not know.
     */
    public static boolean isPublic(String typeName) {
        ResourceType t = BY_NAME.get(typeName);
        return t != null && ALL.contains(t);
    }

    public static Optional<ResourceType> byPlural(String plural) {
        return Optional.ofNullable(BY_PLURAL.get(plural));
    }

    /** Mesh-scoped types, i.e. those deleted together with their mesh. */
    public static List<ResourceType> meshScoped() {
        return ALL.stream().filter(ResourceType::meshScoped).toList();
    }
}
