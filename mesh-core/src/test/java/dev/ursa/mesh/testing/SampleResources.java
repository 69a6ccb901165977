package dev.ursa.mesh.testing;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One small valid document per resource type, in Kuma's universal format (YAML). Mesh-scoped ones live in mesh
 * {@code default} and are named {@code sample}. Shared by the REST tests of both control planes.
 */
public final class SampleResources {
    public static final String MESH = "default";
    public static final String NAME = "sample";

    private static final Map<ResourceType, String> DOCS = new LinkedHashMap<>();

    static {
        DOCS.put(ResourceTypes.MESH, """
                type: Mesh
                name: sample
                labels:
                  team: core
                """);
        DOCS.put(ResourceTypes.ZONE, """
                type: Zone
                name: sample
                enabled: true
                """);
        DOCS.put(ResourceTypes.DATAPLANE_INSIGHT, """
                type: DataplaneInsight
                mesh: default
                name: sample
                renderError:
                  type: MeshTimeout
                  resources:
                  - default/broken
                  message: 'IllegalStateException: example'
                  since: '2026-12-06T20:00:00Z'
                """);
        DOCS.put(ResourceTypes.TOKEN_TRUST, """
                type: TokenTrust
                name: sample
                keys: []
                revoked: {}
                """);
        DOCS.put(ResourceTypes.ZONE_INSIGHT, """
                type: ZoneInsight
                name: sample
                subscriptions: []
                """);
        DOCS.put(ResourceTypes.ZONE_INGRESS, """
                type: ZoneIngress
                name: sample
                zone: zone-1
                networking:
                  address: 10.0.0.2
                  port: 10001
                  advertisedAddress: 192.0.2.10
                  advertisedPort: 10001
                availableServices:
                - tags:
                    kuma.io/service: backend
                  instances: 2
                  mesh: default
                """);
        DOCS.put(ResourceTypes.DATAPLANE, """
                type: Dataplane
                mesh: default
                name: sample
                labels:
                  app: backend
                networking:
                  address: 10.0.0.1
                  inbound:
                  - port: 8080
                    servicePort: 18080
                    tags:
                      kuma.io/service: backend
                      kuma.io/protocol: http
                      version: v1
                """);
        DOCS.put(ResourceTypes.MESH_TRAFFIC_PERMISSION, """
                type: MeshTrafficPermission
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: MeshService
                    name: backend
                  from:
                  - targetRef:
                      kind: MeshSubset
                      tags:
                        kuma.io/service: web
                    default:
                      action: Allow
                """);
        DOCS.put(ResourceTypes.MESH_TIMEOUT, """
                type: MeshTimeout
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: Mesh
                    default:
                      idleTimeout: 20s
                      connectionTimeout: 2s
                      http:
                        requestTimeout: 1m30s
                """);
        DOCS.put(ResourceTypes.MESH_RETRY, """
                type: MeshRetry
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: MeshService
                      name: backend
                    default:
                      http:
                        numRetries: 3
                        perTryTimeout: 1s
                """);
        DOCS.put(ResourceTypes.MESH_LOAD_BALANCING_STRATEGY, """
                type: MeshLoadBalancingStrategy
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: MeshService
                      name: backend
                    default:
                      loadBalancer:
                        type: LeastRequest
                      localityAwareness:
                        crossZone:
                          failover:
                          - to:
                              type: Only
                              zones:
                              - zone-2
                """);
        DOCS.put(ResourceTypes.MESH_HEALTH_CHECK, """
                type: MeshHealthCheck
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: MeshService
                      name: backend
                    default:
                      interval: 10s
                      timeout: 2s
                      unhealthyThreshold: 3
                      healthyThreshold: 1
                      http:
                        path: /health
                """);
        DOCS.put(ResourceTypes.MESH_CIRCUIT_BREAKER, """
                type: MeshCircuitBreaker
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: Mesh
                    default:
                      connectionLimits:
                        maxConnections: 1024
                      outlierDetection:
                        disabled: false
                        detectors:
                          totalFailures:
                            consecutive: 5
                """);
        DOCS.put(ResourceTypes.MESH_HTTP_ROUTE, """
                type: MeshHTTPRoute
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: MeshService
                      name: backend
                    rules:
                    - matches:
                      - path:
                          type: PathPrefix
                          value: /v2
                      default:
                        backendRefs:
                        - kind: MeshServiceSubset
                          name: backend
                          tags:
                            version: v2
                          weight: 90
                        - kind: MeshServiceSubset
                          name: backend
                          tags:
                            version: v1
                          weight: 10
                """);
        DOCS.put(ResourceTypes.MESH_TLS, """
                type: MeshTLS
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  rules:
                  - default:
                      mode: Permissive
                      tlsVersion:
                        min: TLS12
                """);
        DOCS.put(ResourceTypes.MESH_TCP_ROUTE, """
                type: MeshTCPRoute
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: MeshService
                      name: db
                    rules:
                    - default:
                        backendRefs:
                        - kind: MeshServiceSubset
                          name: db
                          tags:
                            version: v2
                          weight: 20
                        - kind: MeshService
                          name: db
                          weight: 80
                """);
        DOCS.put(ResourceTypes.MESH_PASSTHROUGH, """
                type: MeshPassthrough
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  default:
                    passthroughMode: Matched
                    appendMatch:
                    - type: Domain
                      value: httpbin.org
                      port: 443
                      protocol: tls
                """);
        DOCS.put(dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionPolicy.TYPE.type(), """
                type: MeshFaultInjection
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: MeshService
                    name: backend
                  from:
                  - targetRef:
                      kind: Mesh
                    default:
                      http:
                      - abort:
                          httpStatus: 503
                          percentage: 10
                """);
        DOCS.put(dev.ursa.mesh.policy.meshratelimit.MeshRateLimitPolicy.TYPE.type(), """
                type: MeshRateLimit
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Dataplane
                    labels:
                      app: backend
                  rules:
                  - default:
                      local:
                        http:
                          requestRate:
                            num: 100
                            interval: 10s
                        tcp:
                          connectionRate:
                            num: 50
                            interval: 1s
                """);
        DOCS.put(dev.ursa.mesh.policy.meshaccesslog.MeshAccessLogPolicy.TYPE.type(), """
                type: MeshAccessLog
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: Mesh
                    default:
                      backends:
                      - type: File
                        file:
                          path: /dev/stdout
                """);
        DOCS.put(dev.ursa.mesh.policy.meshtrace.MeshTracePolicy.TYPE.type(), """
                type: MeshTrace
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  default:
                    backends:
                    - type: Zipkin
                      zipkin:
                        url: http://jaeger-collector:9411/api/v2/spans
                """);
        DOCS.put(dev.ursa.mesh.policy.meshmetric.MeshMetricPolicy.TYPE.type(), """
                type: MeshMetric
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  default:
                    backends:
                    - type: Prometheus
                      prometheus:
                        port: 5670
                        path: /metrics
                """);
        DOCS.put(dev.ursa.mesh.policy.meshproxypatch.MeshProxyPatchPolicy.TYPE.type(), """
                type: MeshProxyPatch
                mesh: default
                name: sample
                spec:
                  targetRef:
                    kind: Mesh
                  default:
                    appendModifications:
                    - cluster:
                        operation: Patch
                        match:
                          origin: outbound
                        value: |
                          connectTimeout: 2s
                """);
        DOCS.put(ResourceTypes.SECRET, """
                type: Secret
                mesh: default
                name: sample
                data: c2FtcGxl
                """);
    }

    private SampleResources() {
    }

    /** A mesh-wide MeshTimeout (YAML) with the given idle timeout: the smallest policy whose content can be varied. */
    public static String meshTimeout(String mesh, String name, String idleTimeout) {
        return """
                type: MeshTimeout
                mesh: %s
                name: %s
                spec:
                  targetRef:
                    kind: Mesh
                  to:
                  - targetRef:
                      kind: Mesh
                    default:
                      idleTimeout: %s
                """.formatted(mesh, name, idleTimeout);
    }

    /** The YAML document of {@code type}. */
    public static String yaml(ResourceType type) {
        String doc = DOCS.get(type);
        if (doc == null) throw new IllegalArgumentException("no sample for " + type);
        return doc;
    }

    /** The REST path of the sample of {@code type}. */
    public static String path(ResourceType type) {
        if (type == ResourceTypes.MESH) return "/meshes/" + NAME;
        return type.meshScoped() ? "/meshes/" + MESH + "/" + type.plural() + "/" + NAME : "/" + type.plural() + "/" + NAME;
    }

    public static Map<ResourceType, String> all() {
        return DOCS;
    }
}
