package dev.ursa.mesh.model;

import dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogPolicy;
import dev.ursa.mesh.policy.meshcircuitbreaker.MeshCircuitBreakerPolicy;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionPolicy;
import dev.ursa.mesh.policy.meshhealthcheck.MeshHealthCheckPolicy;
import dev.ursa.mesh.policy.meshhttproute.MeshHTTPRoutePolicy;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategyPolicy;
import dev.ursa.mesh.policy.meshpassthrough.MeshPassthroughPolicy;
import dev.ursa.mesh.policy.meshratelimit.MeshRateLimitPolicy;
import dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchPolicy;
import dev.ursa.mesh.policy.meshmetric.MeshMetricPolicy;
import dev.ursa.mesh.policy.meshretry.MeshRetryPolicy;
import dev.ursa.mesh.policy.meshtcproute.MeshTCPRoutePolicy;
import dev.ursa.mesh.policy.meshtimeout.MeshTimeoutPolicy;
import dev.ursa.mesh.policy.meshtrace.MeshTracePolicy;
import dev.ursa.mesh.policy.meshtls.MeshTLSPolicy;
import dev.ursa.mesh.policy.meshtrafficpermission.MeshTrafficPermissionPolicy;
import dev.ursa.mesh.resources.DataplaneInsightSpec;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.resources.DataplaneValidator;
import dev.ursa.mesh.resources.GlobalSecretSpec;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.resources.MeshValidator;
import dev.ursa.mesh.resources.SecretSpec;
import dev.ursa.mesh.resources.SecretValidator;
import dev.ursa.mesh.resources.TokenTrustSpec;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.resources.ZoneIngressValidator;
import dev.ursa.mesh.resources.ZoneInsightSpec;
import dev.ursa.mesh.resources.ZoneSpec;
import dev.ursa.mesh.validation.SpecValidator;

import java.util.List;
import java.util.Optional;

/**
 * The resource types Ursa knows ({@link #registry()}): the core types declared here, and the policy types registered
 * by their descriptors ({@link PolicyType}). Adding a policy type is its package plus one entry in {@link #POLICIES}.
 */
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
    /** Mesh-scoped secrets (CA certificates and keys): synced to zones, sensitive ({@link SecretSpec}, {@link #isExportable}). */
    public static final ResourceType SECRET = new ResourceType("Secret", "secrets", Scope.MESH, Layout.INLINE, Owner.GLOBAL, false,
            SecretSpec.class, new SecretValidator());
    public static final ResourceType DATAPLANE = new ResourceType("Dataplane", "dataplanes", Scope.MESH, Layout.INLINE, Owner.ZONE, false,
            DataplaneSpec.class, new DataplaneValidator());
    /** Computed by the zone, read-only through the API. */
    public static final ResourceType DATAPLANE_INSIGHT = new ResourceType("DataplaneInsight", "dataplane-insights", Scope.MESH, Layout.INLINE,
            Owner.ZONE, false, DataplaneInsightSpec.class, SpecValidator.<DataplaneInsightSpec>none());

    /** Every policy type, registered by its descriptor (in this order in listings and KDS; plugins run by {@link PolicyType#order()}). */
    private static final List<PolicyType> POLICIES = List.of(MeshTrafficPermissionPolicy.TYPE, MeshTimeoutPolicy.TYPE,
            MeshRetryPolicy.TYPE, MeshLoadBalancingStrategyPolicy.TYPE, MeshHealthCheckPolicy.TYPE, MeshCircuitBreakerPolicy.TYPE,
            MeshHTTPRoutePolicy.TYPE, MeshTLSPolicy.TYPE, MeshFaultInjectionPolicy.TYPE, MeshRateLimitPolicy.TYPE,
            MeshTCPRoutePolicy.TYPE, MeshPassthroughPolicy.TYPE,
            MeshAccessLogPolicy.TYPE, MeshTracePolicy.TYPE, MeshMetricPolicy.TYPE,
            MeshProxyPatchPolicy.TYPE);

    private static final TypeRegistry REGISTRY = new TypeRegistry(
            List.of(MESH, ZONE, ZONE_INSIGHT, ZONE_INGRESS, TOKEN_TRUST, SECRET, DATAPLANE, DATAPLANE_INSIGHT), List.of(GLOBAL_SECRET), POLICIES);

    // Shorthands for code and tests that name a built-in policy type; derived from the descriptors, and a new type needs none.
    public static final ResourceType MESH_TRAFFIC_PERMISSION = MeshTrafficPermissionPolicy.TYPE.type();
    public static final ResourceType MESH_TIMEOUT = MeshTimeoutPolicy.TYPE.type();
    public static final ResourceType MESH_RETRY = MeshRetryPolicy.TYPE.type();
    public static final ResourceType MESH_LOAD_BALANCING_STRATEGY = MeshLoadBalancingStrategyPolicy.TYPE.type();
    public static final ResourceType MESH_HEALTH_CHECK = MeshHealthCheckPolicy.TYPE.type();
    public static final ResourceType MESH_CIRCUIT_BREAKER = MeshCircuitBreakerPolicy.TYPE.type();
    public static final ResourceType MESH_HTTP_ROUTE = MeshHTTPRoutePolicy.TYPE.type();
    public static final ResourceType MESH_TLS = MeshTLSPolicy.TYPE.type();
    public static final ResourceType MESH_TCP_ROUTE = MeshTCPRoutePolicy.TYPE.type();
    public static final ResourceType MESH_PASSTHROUGH = MeshPassthroughPolicy.TYPE.type();

    private ResourceTypes() {
    }

    /** This build's types. */
    public static TypeRegistry registry() {
        return REGISTRY;
    }

    public static List<ResourceType> all() {
        return REGISTRY.all();
    }

    public static List<ResourceType> policies() {
        return REGISTRY.policies();
    }

    /** The registered policy types' descriptors, in registration order. */
    public static List<PolicyType> policyTypes() {
        return REGISTRY.policyTypes();
    }

    /** Every public type, and the internal ones (stores need them to read their rows back). */
    public static Optional<ResourceType> byName(String name) {
        return REGISTRY.byName(name);
    }

    /**
     * Whether changes of this type may leave the control plane (change events, Kafka export): false for the internal
     * types, which hold secrets (signing keys, revocations), and for names this build does not know.
     */
    public static boolean isPublic(String typeName) {
        return REGISTRY.isPublic(typeName);
    }

    /**
     * Whether changes of this type may be exported as change events ({@code GET /events}, Kafka): a public type that is
     * not sensitive. False for the internal types, for sensitive ones (mesh Secrets) and for names this build does not know.
     */
    public static boolean isExportable(String typeName) {
        return REGISTRY.isExportable(typeName);
    }

    public static Optional<ResourceType> byPlural(String plural) {
        return REGISTRY.byPlural(plural);
    }

    /** Mesh-scoped types, i.e. those deleted together with their mesh. */
    public static List<ResourceType> meshScoped() {
        return REGISTRY.meshScoped();
    }
}
