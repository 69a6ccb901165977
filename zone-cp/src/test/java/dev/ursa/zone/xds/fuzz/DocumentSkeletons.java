package dev.ursa.zone.xds.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.ursa.zone.xds.fuzz.Nodes.F;
import static dev.ursa.zone.xds.fuzz.Nodes.arr;
import static dev.ursa.zone.xds.fuzz.Nodes.obj;

/**
 * Random documents of every type that are valid by construction (Kuma 2.14's rules as Ursa's validators implement
 * them), written in Kuma's universal format. They vary over every field a type has and lean on valid edge values
 * (the longest duration, port 65535, weight 0, tiny and huge percentages) because that is where a renderer breaks on
 * something validation let through. {@link DocumentMutator} then makes them hostile.
 *
 * <p>Names point at the fixed mesh of {@link RenderFixture} (services backend/web/db/remote, dataplanes dp-backend,
 * dp-web, dp-db, zones zone-1 and zone-2) so that most policies actually select and shape something.
 */
public final class DocumentSkeletons {
    static final List<String> SERVICES = List.of("backend", "web", "db", "remote");
    private static final List<String> TOP_KINDS_ALL = List.of("Mesh", "MeshSubset", "MeshGateway", "MeshService", "MeshServiceSubset",
            "MeshHTTPRoute", "Dataplane");

    private DocumentSkeletons() {
    }

    /** A valid document of {@code type}. */
    public static ObjectNode of(ResourceType type, Rand r) {
        return switch (type.name()) {
            case "Mesh" -> mesh(r);
            case "Zone" -> obj("type", "Zone", "name", r.pick("zone-2", "zone-3", "sample"), "enabled", r.chance(0.7) ? r.chance(0.8) : null);
            case "ZoneInsight" -> obj("type", "ZoneInsight", "name", r.pick("zone-2", "sample"),
                    "subscriptions", r.chance(0.6) ? arr(obj("id", "1", "connectTime", "2024-01-01T00:00:00Z")) : arr());
            case "ZoneIngress" -> zoneIngress(r);
            case "TokenTrust" -> obj("type", "TokenTrust", "name", r.pick("zone-tokens", "dataplane-tokens", "sample"),
                    "keys", r.chance(0.6) ? arr(obj("kty", "RSA", "kid", "k1", "n", "AQAB", "e", "AQAB")) : arr(),
                    "revoked", r.chance(0.5) ? obj("0b6e5c7e-2b8a-4d7f-9d55-4f7f7a1c2e3d", "2030-01-01T00:00:00Z") : null);
            case "Dataplane" -> dataplane(r);
            case "DataplaneInsight" -> obj("type", "DataplaneInsight", "mesh", meshName(r), "name", r.pick("dp-backend", "dp-new", "zone-2.dp-web"),
                    "subscriptions", r.chance(0.5) ? arr(obj("id", "1", "controlPlaneInstanceId", "cp-1")) : null,
                    "renderError", r.chance(0.5) ? obj("type", r.pick("MeshTimeout", "Dataplane"), "resources", arr("default/broken"),
                            "message", "IllegalStateException: example", "since", "2026-12-06T20:00:00Z") : null);
            case "Secret" -> obj("type", "Secret", "mesh", meshName(r), "name", r.pick("default.ca-builtin-cert-ca-1", "default.ca-builtin-key-ca-1", "s-1"),
                    "data", r.chance(0.1) ? null : r.pick("", "not base64!", "c2VjcmV0", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmdhcmJhZ2UKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=", "aGVsbG8="));
            case "MeshTrafficPermission" -> policy(type, r, meshTrafficPermission(r));
            case "MeshTimeout" -> policy(type, r, meshTimeout(r));
            case "MeshRetry" -> policy(type, r, meshRetry(r));
            case "MeshLoadBalancingStrategy" -> policy(type, r, meshLoadBalancingStrategy(r));
            case "MeshHealthCheck" -> policy(type, r, meshHealthCheck(r));
            case "MeshCircuitBreaker" -> policy(type, r, meshCircuitBreaker(r));
            case "MeshHTTPRoute" -> policy(type, r, meshHttpRoute(r));
            case "MeshTLS" -> policy(type, r, meshTls(r));
            case "MeshFaultInjection" -> policy(type, r, meshFaultInjection(r));
            case "MeshRateLimit" -> policy(type, r, meshRateLimit(r));
            case "MeshTCPRoute" -> policy(type, r, meshTcpRoute(r));
            case "MeshPassthrough" -> policy(type, r, meshPassthrough(r));
            case "MeshAccessLog" -> policy(type, r, meshAccessLog(r));
            case "MeshTrace" -> policy(type, r, meshTrace(r));
            case "MeshMetric" -> policy(type, r, meshMetric(r));
            case "MeshProxyPatch" -> policy(type, r, meshProxyPatch(r));
            default -> throw new IllegalArgumentException("no skeleton for " + type.name() + ": add one to " + DocumentSkeletons.class.getSimpleName());
        };
    }

    // ---- shared pieces

    static String meshName(Rand r) {
        return r.chance(0.9) ? "default" : r.pick("other", "m.e.s.h", "-", "a".repeat(253));
    }

    static String resourceName(Rand r) {
        return r.pick("fuzz", "p-1", "a.b_c-d", "z", "backend", "_x", "a".repeat(253), "0");
    }

    static ObjectNode labels(Rand r) {
        if (r.chance(0.6)) return null;
        ObjectNode l = F.objectNode();
        int n = r.between(0, 3);
        for (int i = 0; i < n; i++) {
            switch (r.below(6)) {
                case 0 -> l.put("team", r.pick("core", "edge"));
                case 1 -> l.put("kuma.io/origin", r.pick("zone", "global"));
                case 2 -> l.put("kuma.io/policy-role", r.pick("consumer", "producer", "system", "workload-owner"));
                case 3 -> l.put("kuma.io/display-name", r.pick("a", "zz", "fuzz"));
                case 4 -> l.put("k8s.kuma.io/namespace", r.pick("kuma-demo", "ns"));
                default -> l.put("app", r.pick(SERVICES));
            }
        }
        return l;
    }

    static String duration(Rand r) {
        return r.pick("1s", "500ms", "10s", "1m30s", "2h", "15s", "100ms", "1h30m", "0.5s", "1ns", "250us", "3\u00B5s",
                "87600h", "87599h59m59.999999999s", "5256000m", "1.5h");
    }

    static String nonNegativeDuration(Rand r) {
        return r.chance(0.15) ? r.pick("0", "0s", "0ms") : duration(r);
    }

    static String service(Rand r) {
        return r.chance(0.9) ? r.pick(SERVICES) : r.pick("unknown-svc", "a.b", "backend_v2");
    }

    static ObjectNode tags(Rand r, boolean selector) {
        ObjectNode t = F.objectNode();
        int n = r.between(1, 3);
        for (int i = 0; i < n; i++) {
            switch (r.below(5)) {
                case 0 -> t.put("kuma.io/service", selector && r.chance(0.2) ? "*" : service(r));
                case 1 -> t.put("version", selector && r.chance(0.2) ? "*" : r.pick("v1", "v2"));
                case 2 -> t.put("kuma.io/zone", r.pick("zone-1", "zone-2"));
                case 3 -> t.put("team", r.pick("core", "edge"));
                default -> t.put("kuma.io/protocol", r.pick("http", "grpc", "tcp"));
            }
        }
        return t;
    }

    /** A top-level targetRef of one of {@code kinds}, or null (absent: the whole mesh). */
    static ObjectNode topRef(Rand r, List<String> kinds, boolean inbound) {
        if (r.chance(0.15)) return null;
        String kind = r.chance(0.3) && kinds.contains("Mesh") ? "Mesh" : r.pick(kinds);
        ObjectNode ref = obj("kind", kind);
        switch (kind) {
            case "Mesh" -> {
                if (r.chance(0.15)) ref.set("proxyTypes", r.chance(0.5) ? arr("Sidecar") : arr("Sidecar", "Gateway"));
            }
            case "MeshSubset" -> ref.set("tags", tags(r, true));
            case "MeshService" -> ref.put("name", service(r));
            case "MeshServiceSubset" -> {
                ref.put("name", service(r));
                ref.set("tags", obj("version", r.pick("v1", "v2", "*")));
            }
            case "Dataplane" -> {
                switch (r.below(5)) {
                    case 0 -> ref.put("name", r.pick("dp-backend", "dp-web", "dp-db", "dp-gone"));
                    case 1 -> ref.set("labels", obj("app", r.pick(SERVICES)));
                    case 2 -> ref.set("tags", obj("kuma.io/service", r.pick(SERVICES)));
                    case 3 -> {
                        ref.put("name", r.pick("dp-backend", "dp-web"));
                        ref.put("namespace", "kuma-demo");
                    }
                    default -> {
                        ref.put("name", r.pick("dp-backend", "dp-web", "dp-db"));
                        if (inbound) ref.put("sectionName", r.pick("8080", "9090", "5432", "main", "1"));
                    }
                }
            }
            case "MeshGateway" -> ref.put("name", r.pick("edge-gateway", "gw"));
            case "MeshHTTPRoute" -> ref.put("name", r.pick("route-1", "fuzz"));
            default -> throw new IllegalStateException(kind);
        }
        return ref;
    }

    /** A {@code to} targetRef of one of {@code kinds}. */
    static ObjectNode toRef(Rand r, List<String> kinds) {
        String kind = r.pick(kinds);
        ObjectNode ref = obj("kind", kind);
        switch (kind) {
            case "Mesh" -> { }
            case "MeshService" -> {
                if (r.chance(0.08)) {
                    ref.set("labels", obj("kuma.io/display-name", r.pick(SERVICES)));
                } else {
                    ref.put("name", service(r));
                    if (r.chance(0.1)) ref.put("sectionName", r.pick("http", "8080"));
                    if (r.chance(0.05)) ref.put("namespace", "kuma-demo");
                }
            }
            case "MeshExternalService" -> ref.put("name", r.pick("httpbin", "backend"));
            case "MeshMultiZoneService" -> ref.put("name", r.pick("backend", "remote", "backend-mz"));
            case "MeshHTTPRoute" -> ref.put("name", r.pick("route-1", "fuzz"));
            case "MeshSubset" -> ref.set("tags", tags(r, false));
            case "MeshServiceSubset" -> {
                ref.put("name", service(r));
                ref.set("tags", obj("version", r.pick("v1", "v2")));
            }
            default -> throw new IllegalStateException(kind);
        }
        return ref;
    }

    static ObjectNode policy(ResourceType type, Rand r, ObjectNode spec) {
        return obj("type", type.name(), "mesh", meshName(r), "name", resourceName(r), "labels", labels(r), "spec", spec);
    }

    /** A few items (at least one). */
    static ArrayNode some(Rand r, int max, java.util.function.Supplier<JsonNode> item) {
        ArrayNode a = F.arrayNode();
        int n = r.chance(0.6) ? 1 : r.between(1, max);
        for (int i = 0; i < n; i++) a.add(item.get());
        return a;
    }

    static JsonNode decimal(Rand r, String... texts) {
        String t = r.pick(texts);
        if (r.chance(0.5)) return F.textNode(t);
        BigDecimal d = new BigDecimal(t);
        return d.scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) < 0 ? F.numberNode(d.intValueExact()) : F.numberNode(d);
    }

    // ---- Mesh, Dataplane, ZoneIngress

    static ObjectNode mesh(Rand r) {
        ObjectNode m = obj("type", "Mesh", "name", meshName(r), "labels", labels(r));
        boolean mtls = r.chance(0.3);
        if (mtls) {
            m.set("mtls", obj("enabledBackend", "ca-1", "backends", arr(obj("name", "ca-1", "type", "builtin", "mode", r.pick("STRICT", "PERMISSIVE"),
                    "dpCert", obj("rotation", obj("expiration", "1d")), "conf", obj("caCert", obj("RSAbits", 2048, "expiration", "10y"))))));
        }
        if (r.chance(0.2)) m.set("networking", obj("outbound", obj("passthrough", r.chance(0.5))));
        // Kuma: a zone egress needs mTLS on the mesh.
        if (r.chance(0.2)) m.set("routing", obj("zoneEgress", mtls && r.chance(0.5), "localityAwareLoadBalancing", r.chance(0.5)));
        if (r.chance(0.15)) m.set("tracing", obj("defaultBackend", "zipkin", "backends", arr(obj("name", "zipkin", "type", "zipkin"))));
        if (r.chance(0.15)) m.set("logging", obj("backends", arr(obj("name", "file", "type", "file", "conf", obj("path", "/var/log/access.log")))));
        if (r.chance(0.1)) m.set("metrics", obj("enabledBackend", "prom", "backends", arr(obj("name", "prom", "type", "prometheus"))));
        if (r.chance(0.1)) m.set("constraints", obj("dataplaneProxy", obj("requirements", arr(obj("tags", obj("kuma.io/zone", "zone-1"))))));
        if (r.chance(0.1)) m.set("meshServices", obj("mode", r.pick("Disabled", "Everywhere", "Exclusive")));
        if (r.chance(0.15)) m.set("skipCreatingInitialPolicies", r.chance(0.5) ? arr("*") : arr("MeshTimeout", "MeshRetry"));
        return m;
    }

    static String ip(Rand r) {
        return r.pick("10.0.0.9", "192.168.1.20", "127.0.0.2", "fd00::9", "2001:db8::1", "255.255.255.254", "1.1.1.1");
    }

    static ObjectNode dataplane(Rand r) {
        ObjectNode networking = obj("address", r.chance(0.85) ? ip(r) : r.pick("dp.example", "my-host_1", "a".repeat(63) + ".b"));
        if (r.chance(0.2)) networking.put("advertisedAddress", r.chance(0.5) ? ip(r) : "adv.example");
        boolean gateway = r.chance(0.08);
        boolean builtin = gateway && r.chance(0.4);
        if (gateway) {
            networking.set("gateway", obj("type", builtin ? "BUILTIN" : r.chance(0.5) ? "DELEGATED" : null,
                    "tags", obj("kuma.io/service", r.pick("edge-gateway", "backend"), "kuma.io/protocol", r.chance(0.3) ? "tcp" : null)));
            if (!builtin && r.chance(0.7)) networking.set("outbound", outbounds(r));
        } else {
            ArrayNode inbound = F.arrayNode();
            // a zone proxy only (Kuma 2.14's listeners without an inbound) now and then
            int n = r.chance(0.05) ? 0 : r.between(1, 3);
            Set<Integer> ports = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) {
                int port = r.pick(8080, 9090, 5432, 1, 65535, 80, 15000 + i);
                ports.add(port);
                inbound.add(inbound(r, port));
            }
            if (n > 0) networking.set("inbound", inbound);
            if (n == 0 || r.chance(0.15)) networking.set("listeners", listeners(r, networking.get("address").asText()));
            if (r.chance(0.8)) networking.set("outbound", outbounds(r));
            if (r.chance(0.2)) {
                int admin = r.pick(9901, 30001, 65534);
                if (!ports.contains(admin)) networking.set("admin", obj("port", admin));
            }
        }
        if (r.chance(0.15)) {
            networking.set("transparentProxying", obj("redirectPortInbound", r.pick(15006, 0, 65535), "redirectPortOutbound", 15001,
                    "directAccessServices", r.chance(0.3) ? arr("*") : null, "reachableServices", r.chance(0.3) ? arr("backend", "web") : null,
                    "ipFamilyMode", r.chance(0.3) ? r.pick("DualStack", "IPv4", "IPv6", "UnSpecified") : null,
                    "reachableBackends", r.chance(0.3) ? obj("refs", arr(obj("kind", "MeshService", "name", "backend"),
                            obj("kind", "MeshExternalService", "labels", obj("team", "core")))) : null));
        }
        ObjectNode dp = obj("type", "Dataplane", "mesh", meshName(r), "name", r.pick("dp-new", "dp-backend", "dp-web", "dp-db", "dp.with.dots", "_x", "-"),
                "labels", r.chance(0.5) ? obj("app", r.pick(SERVICES)) : labels(r), "networking", networking);
        if (r.chance(0.15)) dp.set("metrics", dataplaneMetrics(r));
        // Kuma: a builtin gateway has no probes
        if (r.chance(0.1) && !builtin) {
            ArrayNode endpoints = F.arrayNode();
            int n = r.between(0, 2);
            for (int i = 0; i < n; i++) {
                endpoints.add(obj("inboundPort", r.pick(8080, 9090, 1, 65535), "inboundPath", r.pick("/h", "/healthz?full=1", "http://127.0.0.1:8080/h", "*"),
                        "path", r.pick("/8080/h", "/" + i + "/ready", "/a b")));
            }
            dp.set("probes", obj("port", r.pick(9000, 1, 65535), "endpoints", r.chance(0.8) ? endpoints : null));
        }
        if (r.chance(0.05)) dp.set("envoy", obj("bootstrap", obj()));
        return dp;
    }

    /** Zone proxy listeners on ports no inbound uses, each address:port once, names unlike any inbound's. */
    static ArrayNode listeners(Rand r, String dataplaneAddress) {
        ArrayNode out = F.arrayNode();
        int n = r.between(1, 3);
        for (int i = 0; i < n; i++) {
            out.add(obj("type", r.pick("ZoneIngress", "ZoneEgress"), "address", r.chance(0.7) ? dataplaneAddress : ip(r),
                    "port", r.pick(10001, 20001, 65535 - 3) + i, "name", r.chance(0.6) ? "zone-proxy-" + i : null,
                    "state", r.chance(0.3) ? r.pick("Ready", "NotReady") : null));
        }
        return out;
    }

    /** A Dataplane's own prometheus backend: Kuma's PrometheusMetricsBackendConfig, unknown fields in conf included. */
    static ObjectNode dataplaneMetrics(Rand r) {
        ObjectNode conf = obj("port", r.chance(0.7) ? r.pick(5670, 1, 65535) : null, "path", r.chance(0.7) ? r.pick("/metrics", "/stats/prometheus") : null,
                "tags", r.chance(0.3) ? obj("team", "core") : null,
                "skipMTLS", r.chance(0.2) ? Boolean.FALSE : null, "tls", r.chance(0.3) ? obj("mode", r.pick("activeMTLSBackend", "providedTLS", "disabled")) : null,
                "envoy", r.chance(0.3) ? obj("filterRegex", r.pick("", "cluster.*", "^http\\.(inbound|outbound)"), "usedOnly", r.chance(0.5)) : null,
                "aggregate", r.chance(0.4) ? arr(obj("name", "app", "port", 9102, "path", "/metrics", "enabled", r.chance(0.8)),
                        obj("name", "sidecar", "port", r.pick(9103, 1), "address", r.chance(0.5) ? "127.0.0.1" : null)) : null,
                "future", r.chance(0.1) ? arr(1, obj("x", "y")) : null);
        if (conf.has("skipMTLS") && conf.has("tls")) ((ObjectNode) conf.get("tls")).put("mode", "activeMTLSBackend");
        return obj("name", r.chance(0.3) ? "own" : null, "type", "prometheus", "conf", r.chance(0.85) ? conf : null);
    }

    static ObjectNode inbound(Rand r, int port) {
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("kuma.io/service", r.chance(0.9) ? r.pick(SERVICES) : r.pick("new-svc", "b.c", "x_1"));
        if (r.chance(0.85)) tags.put("kuma.io/protocol", r.pick("http", "grpc", "tcp", "http2", "tls", "kafka"));
        if (r.chance(0.5)) tags.put("version", r.pick("v1", "v2", "v3"));
        if (r.chance(0.2)) tags.put("kuma.io/zone", r.pick("zone-1", "zone-2"));
        if (r.chance(0.2)) tags.put("k8s.io/node", r.pick("node-a", "node-b"));
        ObjectNode in = obj("port", port, "tags", tags);
        if (r.chance(0.3)) in.put("servicePort", r.pick(18080, 65535, port, 1));
        if (r.chance(0.15)) in.put("serviceAddress", r.pick("127.0.0.1", "10.9.9.9", "::1"));
        if (r.chance(0.1)) in.put("address", r.pick("10.0.0.10", "fd00::10"));
        if (r.chance(0.2)) in.put("name", r.pick("main", "http", "grpc-port"));
        if (r.chance(0.15)) in.set("health", r.chance(0.5) ? obj("ready", r.chance(0.5)) : obj());
        if (r.chance(0.15)) in.put("state", r.pick("Ready", "NotReady", "Ignored"));
        if (r.chance(0.1)) {
            in.set("serviceProbe", obj("interval", r.chance(0.5) ? duration(r) : null, "timeout", r.chance(0.5) ? duration(r) : null,
                    "unhealthyThreshold", r.chance(0.5) ? r.pick(1, 3, Integer.MAX_VALUE) : null, "healthyThreshold", r.chance(0.5) ? 1 : null,
                    "tcp", r.chance(0.5) ? obj() : null));
        }
        return in;
    }

    static ArrayNode outbounds(Rand r) {
        ArrayNode out = F.arrayNode();
        int n = r.between(0, 4);
        for (int i = 0; i < n; i++) {
            int port = r.pick(10001, 10002, 10003, 1, 65535, 20000 + i);
            switch (r.below(4)) {
                case 0 -> out.add(obj("port", port, "tags", obj("kuma.io/service", service(r))));
                case 1 -> out.add(obj("port", port, "address", r.pick("127.0.0.1", "127.0.0.5", "240.0.0.1", "::1"),
                        "tags", obj("kuma.io/service", service(r), "version", r.chance(0.3) ? "v1" : null)));
                case 2 -> out.add(obj("port", port, "backendRef", r.chance(0.8)
                        ? obj("kind", r.pick("MeshService", "MeshMultiZoneService"), "name", service(r), "port", r.pick(80, 8080, 65535))
                        : obj("kind", "MeshExternalService", "name", "httpbin")));
                default -> out.add(obj("port", port, "service", service(r)));
            }
        }
        return out;
    }

    static ObjectNode zoneIngress(Rand r) {
        ObjectNode net = obj("address", r.chance(0.8) ? ip(r) : "ingress.local", "port", r.pick(10001, 1, 65535));
        if (r.chance(0.85)) {
            net.put("advertisedAddress", r.chance(0.6) ? r.pick("192.0.2.50", "198.51.100.7", "2001:db8::50") : r.pick("ingress.zone-2.example", "unresolvable.example", "lb-1.example"));
            net.put("advertisedPort", r.pick(10001, 1, 65535));
        }
        if (r.chance(0.15)) net.set("admin", obj("port", 9902));
        ArrayNode services = F.arrayNode();
        int n = r.between(0, 4);
        for (int i = 0; i < n; i++) {
            ObjectNode tags = obj("kuma.io/service", r.chance(0.85) ? r.pick(SERVICES) : r.pick("only-remote", "x.y"));
            if (r.chance(0.7)) tags.put("kuma.io/protocol", r.pick("http", "grpc", "tcp", "http2"));
            if (r.chance(0.4)) tags.put("version", r.pick("v1", "v2"));
            if (r.chance(0.3)) tags.put("kuma.io/zone", r.pick("zone-2", "zone-3"));
            services.add(obj("tags", tags, "instances", r.chance(0.9) ? r.pick(0, 1, 2, 3, 1_000_000) : null,
                    "mesh", r.chance(0.9) ? "default" : r.pick("other", ""), "externalService", r.chance(0.1) ? Boolean.TRUE : null));
        }
        return obj("type", "ZoneIngress", "name", r.pick("zone-2.ingress", "ing-new", "zone-1.ingress"),
                "zone", r.chance(0.9) ? r.pick("zone-2", "zone-3", "zone-1") : null, "networking", net, "availableServices", services);
    }

    // ---- policies

    static ObjectNode meshTrafficPermission(Rand r) {
        ObjectNode spec = obj("targetRef", topRef(r, List.of("Mesh", "MeshSubset", "MeshService", "MeshServiceSubset", "Dataplane"), true));
        if (r.chance(0.8)) {
            spec.set("from", some(r, 4, () -> obj("targetRef", toRef(r, List.of("Mesh", "MeshSubset", "MeshService", "MeshServiceSubset")),
                    "default", obj("action", r.pick("Allow", "Deny", "AllowWithShadowDeny")))));
        } else {
            spec.set("rules", some(r, 2, () -> {
                ObjectNode d = F.objectNode();
                for (String list : List.of("allow", "deny", "allowWithShadowDeny")) {
                    if (r.chance(0.5) || (list.equals("allowWithShadowDeny") && d.isEmpty())) {
                        d.set(list, some(r, 3, () -> obj("spiffeID", obj("type", r.pick("Exact", "Prefix"),
                                "value", r.pick("spiffe://default/backend", "spiffe://default/", "spiffe://td.example/ns/a/sa/b", "spiffe://x")))));
                    }
                }
                return obj("default", d);
            }));
        }
        return spec;
    }

    static ObjectNode meshFaultInjection(Rand r) {
        java.util.function.Supplier<JsonNode> fault = () -> {
            ObjectNode f = F.objectNode();
            if (r.chance(0.6)) f.set("abort", obj("httpStatus", r.pick(503, 500, 150, 200, 599), "percentage", r.pick(50, "50.5", 0, 100, "0.001")));
            if (r.chance(0.5)) f.set("delay", obj("value", r.pick("5s", "0s", "1500ms", "1h"), "percentage", r.pick(5, "2.5", 100)));
            if (r.chance(0.4)) f.set("responseBandwidth", obj("limit", r.pick("100Mbps", "10kbps", "1Gbps", "kbps", "0kbps"), "percentage", r.pick(5, "6.29")));
            return f;
        };
        java.util.function.Supplier<ObjectNode> conf = () -> obj("http", some(r, 3, fault));
        ObjectNode spec;
        if (r.chance(0.5)) {
            spec = obj("targetRef", topRef(r, List.of("MeshService", "MeshServiceSubset", "Dataplane"), true));
            spec.set("from", some(r, 3, () -> obj("targetRef", toRef(r, List.of("Mesh", "MeshSubset", "MeshService", "MeshServiceSubset")),
                    "default", conf.get())));
        } else {
            spec = obj("targetRef", topRef(r, List.of("Mesh", "MeshSubset", "MeshService", "Dataplane"), true));
            spec.set("rules", some(r, 2, () -> obj("matches", r.chance(0.5) ? arr(obj("spiffeID", obj("type", r.pick("Exact", "Prefix"),
                    "value", r.pick("spiffe://default/web", "spiffe://default/backend", "spiffe://td.example/ns/a")))) : null, "default", conf.get())));
        }
        return spec;
    }

    static ObjectNode meshRateLimit(Rand r) {
        java.util.function.Supplier<ObjectNode> rate = () -> obj("num", r.pick(1, 5, 100, Integer.MAX_VALUE, 4_294_967_295L),
                "interval", r.pick("51ms", "50.5ms", "1s", "10s", "1m30s", "87600h"));
        java.util.function.Supplier<ObjectNode> http = () -> {
            ObjectNode h = F.objectNode();
            if (r.chance(0.15)) h.put("disabled", r.chance(0.5));
            if (r.chance(0.85)) h.set("requestRate", rate.get());
            if (r.chance(0.5)) {
                // 444 and 1 are statuses Envoy has no code for (accepted with a warning, left out)
                h.set("onRateLimit", obj("status", r.chance(0.7) ? r.pick(429, 503, 423, 200, 444, 1) : null, "headers", r.chance(0.7) ? obj(
                        "set", r.chance(0.6) ? arr(obj("name", r.pick("x-rate-limited", "retry-after"), "value", r.pick("true", "a,b", "", "1, 2,3"))) : null,
                        "add", r.chance(0.6) ? arr(obj("name", "x-limited-by", "value", r.pick("mesh", "ursa \u00e9"))) : null) : null));
            }
            if (h.isEmpty()) h.put("disabled", false);
            return h;
        };
        java.util.function.Supplier<ObjectNode> tcp = () -> r.chance(0.2) ? obj("disabled", r.chance(0.5)) : obj("connectionRate", rate.get());
        // A rule matching a SPIFFE ID limits HTTP only (Kuma: a connection limit cannot tell clients apart).
        java.util.function.Function<Boolean, ObjectNode> conf = byIdentity -> {
            boolean withTcp = !byIdentity && r.chance(0.5);
            return obj("local", obj("http", !withTcp || r.chance(0.6) ? http.get() : null, "tcp", withTcp ? tcp.get() : null));
        };
        if (r.chance(0.08)) {
            return obj("targetRef", obj("kind", "MeshGateway", "name", r.pick("edge-gateway", "gw")),
                    "to", arr(obj("targetRef", obj("kind", "Mesh"), "default", conf.apply(false))));
        }
        // rules and from are refused on a scope that includes gateways: Mesh and MeshSubset are narrowed to sidecars
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshService", "MeshServiceSubset", "Dataplane"), true);
        if (top == null) top = obj("kind", "Mesh");
        if (top.get("kind").asText().equals("Mesh") || top.get("kind").asText().equals("MeshSubset")) top.set("proxyTypes", arr("Sidecar"));
        ObjectNode spec = obj("targetRef", top);
        if (r.chance(0.4)) {
            spec.set("from", some(r, 2, () -> obj("targetRef", obj("kind", "Mesh"), "default", conf.apply(false))));
            return spec;
        }
        spec.set("rules", some(r, 3, () -> {
            if (r.chance(0.4)) return obj("default", conf.apply(false));
            ArrayNode matches = some(r, 2, () -> switch (r.below(3)) {
                case 0 -> obj("sni", obj("type", "Exact", "value", r.pick("web.mesh", "backend.default.svc")));
                case 1 -> obj("spiffeID", obj("type", r.pick("Exact", "Prefix"), "value", r.pick("spiffe://default/web", "spiffe://default/backend")),
                        "sni", obj("type", "Exact", "value", "backend.mesh"));
                default -> obj("spiffeID", obj("type", r.pick("Exact", "Prefix"),
                        "value", r.pick("spiffe://default/web", "spiffe://default/w", "spiffe://default/backend", "spiffe://other/db")));
            });
            boolean byIdentity = false;
            for (JsonNode m : matches) byIdentity |= m.has("spiffeID");
            return obj("matches", matches, "default", conf.apply(byIdentity));
        }));
        return spec;
    }

    static ObjectNode meshTls(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "Dataplane"), true);
        boolean mesh = top == null || top.get("kind").asText().equals("Mesh");
        java.util.function.Supplier<ObjectNode> conf = () -> {
            ObjectNode d = obj("mode", r.chance(0.8) ? r.pick("Strict", "Permissive") : null);
            if (mesh && r.chance(0.5)) d.set("tlsVersion", obj("min", r.pick("TLSAuto", "TLS12"), "max", r.pick("TLSAuto", "TLS13")));
            if (mesh && r.chance(0.4)) d.set("tlsCiphers", arr("ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"));
            return d;
        };
        ObjectNode spec = obj("targetRef", top);
        if (r.chance(0.7)) spec.set("rules", some(r, 2, () -> obj("default", conf.get())));
        else spec.set("from", some(r, 2, () -> obj("targetRef", obj("kind", "Mesh"), "default", conf.get())));
        return spec;
    }

    static ObjectNode meshAccessLog(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshService", "MeshServiceSubset", "Dataplane"), true);
        ObjectNode spec = obj("targetRef", top);
        if (r.chance(0.3)) {
            spec.set("rules", some(r, 2, () -> obj("default", accessLogConf(r))));
            return spec;
        }
        spec.set("to", some(r, 2, () -> obj("targetRef", toRef(r, List.of("Mesh", "MeshService", "MeshMultiZoneService")), "default", accessLogConf(r))));
        if (r.chance(0.5)) spec.set("from", some(r, 2, () -> obj("targetRef", obj("kind", "Mesh"), "default", accessLogConf(r))));
        if (top != null && top.has("sectionName") && !spec.has("from")) top.remove("sectionName");
        return spec;
    }

    static ObjectNode meshTrace(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshService", "MeshServiceSubset", "Dataplane"), false);
        if (top != null) top.remove("sectionName");
        ObjectNode backend = switch (r.between(0, 3)) {
            case 0 -> obj("type", "Zipkin", "zipkin", obj("url", r.pick("http://zipkin:9411/api/v2/spans", "https://10.0.0.9:9411/api/v2/spans"),
                    "apiVersion", r.chance(0.5) ? r.pick("httpJson", "httpProto") : null, "traceId128bit", r.chance(0.3) ? true : null,
                    "sharedSpanContext", r.chance(0.3) ? false : null));
            case 1 -> obj("type", "Datadog", "datadog", obj("url", r.pick("http://127.0.0.1:8126", "http://datadog-agent:8126"),
                    "splitService", r.chance(0.5)));
            case 2 -> obj("type", "OpenTelemetry", "openTelemetry", obj("endpoint", r.pick("otel:4317", "10.0.0.9", "[::1]:4317")));
            default -> null;
        };
        ObjectNode conf = obj("backends", backend == null ? arr() : arr(backend));
        if (r.chance(0.6)) conf.set("sampling", obj("overall", r.chance(0.5) ? r.pick(0, 10, 100) : null,
                "client", r.chance(0.5) ? r.pick("50.5", "0", "100") : null, "random", r.chance(0.5) ? 42 : null));
        if (r.chance(0.5)) conf.set("tags", arr(obj("name", "team", "literal", "core"),
                obj("name", "env", "header", obj("name", "x-env", "default", r.chance(0.5) ? "prod" : null))));
        return obj("targetRef", top, "default", conf);
    }

    static ObjectNode meshMetric(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshService", "MeshServiceSubset", "Dataplane"), false);
        if (top != null) top.remove("sectionName");
        ObjectNode conf = F.objectNode();
        if (r.chance(0.5)) conf.set("sidecar", obj("includeUnused", r.chance(0.5), "profiles", obj(
                "appendProfiles", arr(obj("name", r.pick("All", "Basic", "None"))),
                "exclude", r.chance(0.5) ? arr(obj("type", r.pick("Regex", "Prefix", "Exact", "Contains"), "match", r.pick("envoy_.*", "cluster"))) : null)));
        if (r.chance(0.4)) conf.set("applications", arr(obj("port", r.pick(9102, 8080), "path", r.chance(0.5) ? "/metrics" : null)));
        if (r.chance(0.7)) conf.set("backends", arr(r.chance(0.5)
                ? obj("type", "Prometheus", "prometheus", obj("port", 5670, "path", "/metrics", "clientId", r.chance(0.3) ? "main" : null))
                : obj("type", "OpenTelemetry", "openTelemetry", obj("endpoint", "otel:4317", "refreshInterval", r.chance(0.5) ? "30s" : null))));
        return obj("targetRef", top, "default", conf);
    }

    /**
     * Modifications of every kind and operation, on the fixture's resources (its listener, cluster and filter names), with
     * values valid for their Envoy type; some patches break what they patch (a negative timeout, a pointer to nothing, a
     * second listener on a taken address), which the renderer must contain.
     */
    static ObjectNode meshProxyPatch(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshGateway", "MeshService", "MeshServiceSubset", "Dataplane"), false);
        if (top != null) top.remove("sectionName");
        return obj("targetRef", top, "default", obj("appendModifications", some(r, 4, () -> switch (r.below(5)) {
            case 0 -> obj("cluster", resourceMod(r, obj("origin", r.chance(0.5) ? r.pick("inbound", "outbound", "mesh-trace") : null,
                    "name", r.chance(0.5) ? r.pick("backend", "web", "localhost:18080", "nothing") : null),
                    r.pick("name: added\nconnectTimeout: 5s\ntype: STATIC\n", "name: backend\nconnectTimeout: 1s\ntype: EDS\nedsClusterConfig: {edsConfig: {ads: {}}}\n"),
                    r.pick("connectTimeout: 0.25s\n", "perConnectionBufferLimitBytes: 1024\n", "connectTimeout: -1s\n",
                            "healthChecks: [{timeout: 1s, interval: 5s, unhealthyThreshold: 2, healthyThreshold: 1, tcpHealthCheck: {}}]\n"),
                    "/connectTimeout", r.pick("2s", "-5s")));
            case 1 -> obj("listener", resourceMod(r, obj("origin", r.chance(0.4) ? r.pick("inbound", "outbound") : null,
                    "name", r.chance(0.4) ? r.pick("inbound:10.0.0.1:8080", "outbound:127.0.0.1:10001", "nothing") : null,
                    "tags", r.chance(0.3) ? obj("kuma.io/service", r.pick(SERVICES)) : null),
                    r.pick("name: added\naddress: {socketAddress: {address: 127.0.0.1, portValue: 9902}}\n",
                            "name: clash\naddress: {socketAddress: {address: 127.0.0.1, portValue: 10001}}\n"),
                    r.pick("perConnectionBufferLimitBytes: 32768\n", "listenerFiltersTimeout: 2s\n", "name: \"\"\n"),
                    "/perConnectionBufferLimitBytes", r.pick("4096", "-1")));
            case 2 -> obj("networkFilter", filterMod(r, "envoy.filters.network.tcp_proxy",
                    "name: envoy.filters.network.echo\ntypedConfig: {'@type': type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo}\n",
                    "typedConfig: {'@type': type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, idleTimeout: 30s}\n",
                    "/statPrefix"));
            case 3 -> obj("httpFilter", filterMod(r, "envoy.filters.http.router",
                    "name: envoy.filters.http.cors\ntypedConfig: {'@type': type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors}\n",
                    "typedConfig: {'@type': type.googleapis.com/envoy.extensions.filters.http.router.v3.Router, suppressEnvoyHeaders: true}\n",
                    "/suppressEnvoyHeaders"));
            default -> {
                ObjectNode m = resourceMod(r, obj("origin", r.chance(0.4) ? r.pick("inbound", "outbound") : null,
                                "name", r.chance(0.4) ? r.pick(SERVICES) : null,
                                "routeConfigurationName", r.chance(0.3) ? r.pick("outbound:backend", "inbound:backend") : null),
                        "name: extra\ndomains: [\"extra.local\"]\nroutes: [{match: {prefix: /}, directResponse: {status: 200}}]\n",
                        r.pick("retryPolicy: {retryOn: 5xx, numRetries: 2}\n", "domains: [\"*\"]\n"), "/requestHeadersToAdd/-", "{header: {key: x-a, value: b}}");
                if (m.get("operation").asText().equals("Add") && m.get("match") != null) ((ObjectNode) m.get("match")).remove("name");
                yield obj("virtualHost", m);
            }
        })));
    }

    /** A cluster, listener or virtual host modification: Add (no match), Patch (value or JSON patches) or Remove. */
    private static ObjectNode resourceMod(Rand r, ObjectNode match, String added, String patch, String pointer, String patchedValue) {
        ObjectNode m = match.isEmpty() ? null : match;
        return switch (r.pick("Add", "Patch", "Remove")) {
            case "Add" -> obj("operation", "Add", "value", added);
            case "Remove" -> obj("operation", "Remove", "match", m);
            default -> r.chance(0.5)
                    ? obj("operation", "Patch", "match", m, "value", patch)
                    : obj("operation", "Patch", "match", m, "jsonPatches", arr(jsonPatch(r, pointer, patchedValue)));
        };
    }

    /** A network or HTTP filter modification around {@code anchor}, the filter every fixture chain of that kind has. */
    private static ObjectNode filterMod(Rand r, String anchor, String added, String patch, String pointer) {
        ObjectNode listener = obj("origin", r.chance(0.3) ? r.pick("inbound", "outbound") : null,
                "listenerName", r.chance(0.3) ? r.pick("inbound:10.0.0.1:8080", "outbound:127.0.0.1:10001") : null,
                "listenerTags", r.chance(0.2) ? obj("kuma.io/service", r.pick(SERVICES)) : null);
        return switch (r.pick("AddFirst", "AddLast", "AddBefore", "AddAfter", "Patch", "Remove")) {
            case "AddFirst" -> obj("operation", "AddFirst", "match", listener.isEmpty() ? null : listener, "value", added);
            case "AddLast" -> obj("operation", "AddLast", "value", added);
            case "AddBefore" -> obj("operation", "AddBefore", "match", listener.put("name", anchor), "value", added);
            case "AddAfter" -> obj("operation", "AddAfter", "match", listener.put("name", r.pick(anchor, "envoy.filters.no_such")), "value", added);
            case "Patch" -> r.chance(0.5)
                    ? obj("operation", "Patch", "match", listener.put("name", anchor), "value", patch)
                    : obj("operation", "Patch", "match", listener.put("name", anchor), "jsonPatches", arr(jsonPatch(r, pointer, "true")));
            default -> obj("operation", "Remove", "match", r.chance(0.5) ? listener.put("name", r.pick("envoy.filters.http.cors", anchor)) : null);
        };
    }

    /** One JSON patch operation on {@code pointer} (or a pointer to nothing). */
    private static ObjectNode jsonPatch(Rand r, String pointer, String value) {
        JsonNode v;
        try {
            v = dev.ursa.mesh.codec.Json.YAML.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        String path = r.chance(0.8) ? pointer : r.pick("/no/such/field", "/-1", "/name/0");
        return switch (r.below(5)) {
            case 0 -> obj("op", "add", "path", path, "value", v);
            case 1 -> obj("op", "replace", "path", path, "value", v);
            case 2 -> obj("op", "remove", "path", path);
            case 3 -> obj("op", "copy", "from", path, "path", "/altStatName");
            default -> obj("op", "move", "from", path, "path", "/name");
        };
    }

    static ObjectNode accessLogConf(Rand r) {
        java.util.function.Supplier<ObjectNode> format = () -> r.chance(0.5)
                ? obj("type", "Plain", "plain", r.pick("[%START_TIME%] %KUMA_MESH%", "%KUMA_SOURCE_SERVICE%->%KUMA_DESTINATION_SERVICE%"))
                : obj("type", "Json", "omitEmptyValues", r.chance(0.5), "json", arr(obj("key", "start", "value", "%START_TIME%")));
        return obj("backends", some(r, 3, () -> switch (r.between(0, 2)) {
            case 0 -> obj("type", "File", "file", obj("path", r.pick("/var/log/a.log", "/dev/stdout"), "format", r.chance(0.5) ? format.get() : null));
            case 1 -> obj("type", "Tcp", "tcp", obj("address", r.pick("127.0.0.1:5000", "logs.example.com:514"), "format", r.chance(0.5) ? format.get() : null));
            default -> obj("type", "OpenTelemetry", "openTelemetry", obj("endpoint", r.pick("otel:4317", "10.0.0.9", "[::1]:4317"),
                    "attributes", r.chance(0.5) ? arr(obj("key", "mesh", "value", "%KUMA_MESH%")) : null,
                    "body", r.chance(0.3) ? obj("stringValue", "%KUMA_MESH%") : null));
        }));
    }

    static ObjectNode meshTimeout(Rand r) {
        ObjectNode top = topRef(r, TOP_KINDS_ALL, true);
        String kind = top == null ? "Mesh" : top.get("kind").asText();
        boolean route = kind.equals("MeshHTTPRoute");
        boolean routeOrGateway = route || kind.equals("MeshGateway");
        ObjectNode spec = obj("targetRef", top);
        if (!routeOrGateway && r.chance(0.15)) {
            spec.set("rules", some(r, 2, () -> obj("default", timeoutConf(r, false))));
            return spec;
        }
        boolean from = !routeOrGateway && r.chance(0.4);
        if (!from || r.chance(0.6)) {
            List<String> kinds = routeOrGateway ? List.of("Mesh", "MeshExternalService")
                    : List.of("Mesh", "MeshService", "MeshExternalService", "MeshMultiZoneService", "MeshHTTPRoute");
            spec.set("to", some(r, 3, () -> obj("targetRef", toRef(r, kinds), "default", timeoutConf(r, route))));
        }
        if (from) spec.set("from", some(r, 2, () -> obj("targetRef", obj("kind", "Mesh"), "default", timeoutConf(r, false))));
        if (top != null && top.has("sectionName") && !from && !spec.has("rules")) top.remove("sectionName");
        return spec;
    }

    static ObjectNode timeoutConf(Rand r, boolean route) {
        ObjectNode c = F.objectNode();
        if (!route && r.chance(0.5)) c.put("connectionTimeout", duration(r));
        if (!route && r.chance(0.5)) c.put("idleTimeout", nonNegativeDuration(r));
        if (route || c.isEmpty() || r.chance(0.5)) {
            ObjectNode http = F.objectNode();
            List<String> fields = route ? List.of("requestTimeout", "streamIdleTimeout")
                    : List.of("requestTimeout", "streamIdleTimeout", "maxStreamDuration", "maxConnectionDuration");
            for (String f : fields) if (r.chance(0.4)) http.put(f, nonNegativeDuration(r));
            if (http.isEmpty()) http.put(r.pick(fields), nonNegativeDuration(r));
            if (r.chance(0.3)) http.put("requestHeadersTimeout", nonNegativeDuration(r));
            c.set("http", http);
        }
        return c;
    }

    static ObjectNode meshRetry(Rand r) {
        ObjectNode top = topRef(r, TOP_KINDS_ALL, false);
        String kind = top == null ? "Mesh" : top.get("kind").asText();
        List<String> kinds = kind.equals("MeshGateway") || kind.equals("MeshHTTPRoute") ? List.of("Mesh")
                : List.of("Mesh", "MeshService", "MeshExternalService", "MeshMultiZoneService", "MeshHTTPRoute");
        return obj("targetRef", top, "to", some(r, 3, () -> obj("targetRef", toRef(r, kinds), "default", retryConf(r))));
    }

    static ObjectNode retryConf(Rand r) {
        ObjectNode c = F.objectNode();
        if (r.chance(0.3)) c.set("tcp", obj("maxConnectAttempt", r.pick(0, 1, 5, Integer.MAX_VALUE)));
        if (r.chance(0.6)) c.set("http", retryHttp(r));
        if (r.chance(0.4)) c.set("grpc", retryGrpc(r));
        if (c.isEmpty()) c.set(r.pick("http", "grpc"), r.chance(0.5) ? retryHttp(r) : obj("numRetries", 1));
        if (c.has("grpc") && c.get("grpc").has("hostSelection")) c.set("grpc", retryGrpc(r));
        if (r.chance(0.05)) c.put("numRetries", 3); // Kuma's docs' unscoped fields: kept, warned about, not applied
        return c;
    }

    static ObjectNode retryHttp(Rand r) {
        ObjectNode h = F.objectNode();
        if (r.chance(0.5)) h.put("numRetries", r.pick(0, 1, 3, Integer.MAX_VALUE));
        if (r.chance(0.4)) h.put("perTryTimeout", nonNegativeDuration(r));
        if (r.chance(0.3)) h.set("backOff", backOff(r));
        if (r.chance(0.5)) {
            ArrayNode on = F.arrayNode();
            int n = r.between(1, 4);
            for (int i = 0; i < n; i++) {
                on.add(r.pick("5xx", "GatewayError", "Reset", "Retriable4xx", "ConnectFailure", "EnvoyRatelimited", "RefusedStream",
                        "Http3PostConnectFailure", "HttpMethodGet", "HttpMethodPost", "HttpMethodConnect", "503", "429", "100", "511", "0503", "+503", "\u0665\u0660\u0663"));
            }
            h.set("retryOn", on);
        }
        if (r.chance(0.2)) h.set("retriableResponseHeaders", arr(headerMatch(r)));
        if (r.chance(0.2)) h.set("retriableRequestHeaders", arr(headerMatch(r), headerMatch(r)));
        if (r.chance(0.2)) h.set("rateLimitedBackOff", rateLimited(r));
        if (r.chance(0.2)) {
            ArrayNode hs = F.arrayNode();
            hs.add(obj("predicate", "OmitPreviousHosts"));
            if (r.chance(0.5)) hs.add(obj("predicate", "OmitHostsWithTags", "tags", obj("version", "v1")));
            if (r.chance(0.5)) hs.add(obj("predicate", "OmitPreviousPriorities", "updateFrequency", r.pick(1, 2, Integer.MAX_VALUE)));
            h.set("hostSelection", hs);
            if (r.chance(0.5)) h.put("hostSelectionMaxAttempts", r.chance(0.5) ? 3L : Long.MAX_VALUE);
        }
        if (h.isEmpty()) h.put("numRetries", 2);
        return h;
    }

    static ObjectNode retryGrpc(Rand r) {
        ObjectNode g = F.objectNode();
        if (r.chance(0.5)) g.put("numRetries", r.pick(0, 1, 3, Integer.MAX_VALUE));
        if (r.chance(0.4)) g.put("perTryTimeout", nonNegativeDuration(r));
        if (r.chance(0.3)) g.set("backOff", backOff(r));
        if (r.chance(0.5)) {
            ArrayNode on = F.arrayNode();
            int n = r.between(0, 3);
            for (int i = 0; i < n; i++) on.add(r.pick("Canceled", "DeadlineExceeded", "Internal", "ResourceExhausted", "Unavailable"));
            g.set("retryOn", on);
        }
        if (r.chance(0.2)) g.set("rateLimitedBackOff", rateLimited(r));
        if (g.isEmpty()) g.put("numRetries", 1);
        return g;
    }

    static ObjectNode backOff(Rand r) {
        ObjectNode b = F.objectNode();
        if (r.chance(0.7)) b.put("baseInterval", duration(r));
        if (b.isEmpty() || r.chance(0.5)) b.put("maxInterval", duration(r));
        return b;
    }

    static ObjectNode rateLimited(Rand r) {
        return obj("resetHeaders", r.chance(0.1) ? arr() : arr(obj("name", r.pick("retry-after", "x-ratelimit-reset"), "format", r.pick("Seconds", "UnixTimestamp"))),
                "maxInterval", r.chance(0.5) ? duration(r) : null);
    }

    static ObjectNode headerMatch(Rand r) {
        String type = r.chance(0.2) ? null : r.pick("Exact", "Present", "RegularExpression", "Absent", "Prefix");
        boolean valueless = "Present".equals(type) || "Absent".equals(type);
        String value = valueless ? null : r.pick("1", "abc", "^v[0-9]+$", "a b", "\u00E9t\u00E9", "");
        return obj("type", type, "name", r.pick("x-retry", "x-user", "content-type", ":authority", "a".repeat(256)), "value", value);
    }

    static ObjectNode meshLoadBalancingStrategy(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshGateway", "MeshService", "MeshServiceSubset", "Dataplane"), false);
        boolean gateway = top != null && top.get("kind").asText().equals("MeshGateway");
        return obj("targetRef", top, "to", some(r, 3, () -> {
            ObjectNode conf = F.objectNode();
            List<String> kinds = gateway ? List.of("Mesh", "MeshService", "MeshMultiZoneService") : List.of("Mesh", "MeshService", "MeshMultiZoneService", "MeshHTTPRoute");
            ObjectNode ref = toRef(r, kinds);
            if (ref.get("kind").asText().equals("MeshHTTPRoute")) {
                conf.set("hashPolicies", hashPolicies(r));
                return obj("targetRef", ref, "default", conf);
            }
            boolean rootHash = r.chance(0.3);
            if (rootHash) conf.set("hashPolicies", hashPolicies(r));
            if (r.chance(0.6)) {
                if (gateway) ref = obj("kind", "Mesh");
                conf.set("loadBalancer", loadBalancer(r, !rootHash));
            }
            boolean local = ref.has("sectionName") || ref.has("labels");
            if (r.chance(0.5)) conf.set("localityAwareness", localityAwareness(r, !local));
            return obj("targetRef", ref, "default", conf);
        }));
    }

    static ArrayNode hashPolicies(Rand r) {
        return some(r, 3, () -> {
            ObjectNode h = switch (r.below(6)) {
                case 0 -> obj("type", "Header", "header", obj("name", r.pick("x-user", "cookie", "a".repeat(300))));
                case 1 -> obj("type", "Cookie", "cookie", obj("name", r.pick("session", "id"), "ttl", r.chance(0.5) ? nonNegativeDuration(r) : null,
                        "path", r.chance(0.5) ? r.pick("/", "/app") : null));
                case 2 -> obj("type", "Connection", "connection", obj("sourceIP", r.chance(0.8)));
                case 3 -> obj("type", "SourceIP", "connection", obj("sourceIP", true));
                case 4 -> obj("type", "QueryParameter", "queryParameter", obj("name", r.pick("user", "q")));
                default -> obj("type", "FilterState", "filterState", obj("key", r.pick("io.istio.peer", "x")));
            };
            if (r.chance(0.3)) h.put("terminal", r.chance(0.5));
            return h;
        });
    }

    static ObjectNode loadBalancer(Rand r, boolean nestedHashAllowed) {
        String type = r.pick("RoundRobin", "LeastRequest", "RingHash", "Random", "Maglev");
        ObjectNode lb = obj("type", type);
        switch (type) {
            case "RoundRobin" -> {
                if (r.chance(0.3)) lb.set("roundRobin", obj());
            }
            case "Random" -> {
                if (r.chance(0.3)) lb.set("random", obj());
            }
            case "LeastRequest" -> {
                if (r.chance(0.7)) lb.set("leastRequest", obj("choiceCount", r.chance(0.7) ? r.pick(2, 3, 100, Integer.MAX_VALUE) : null,
                        "activeRequestBias", r.chance(0.5) ? decimal(r, "0", "1", "1.5", "0.000001", "1000000000000") : null));
            }
            case "RingHash" -> {
                if (r.chance(0.7)) lb.set("ringHash", obj("hashFunction", r.chance(0.5) ? r.pick("XXHash", "MurmurHash2") : null,
                        "minRingSize", r.chance(0.5) ? r.pick(1, 1024, 8_000_000) : null, "maxRingSize", r.chance(0.5) ? r.pick(1, 1024, 8_000_000) : null,
                        "hashPolicies", nestedHashAllowed && r.chance(0.4) ? hashPolicies(r) : null));
            }
            case "Maglev" -> {
                if (r.chance(0.7)) lb.set("maglev", obj("tableSize", r.chance(0.6) ? r.pick(1, 65537, 5_000_011) : null,
                        "hashPolicies", nestedHashAllowed && r.chance(0.4) ? hashPolicies(r) : null));
            }
            default -> throw new IllegalStateException(type);
        }
        return lb;
    }

    static ObjectNode localityAwareness(Rand r, boolean crossZoneAllowed) {
        ObjectNode la = F.objectNode();
        if (r.chance(0.2)) la.put("disabled", r.chance(0.5));
        if (r.chance(0.5)) {
            boolean weights = r.chance(0.5);
            la.set("localZone", obj("affinityTags", some(r, 4, () -> obj("key", r.pick("k8s.io/node", "version", "kuma.io/zone", "team"),
                    "weight", weights ? r.pick(1, 9, 100, Integer.MAX_VALUE) : null))));
        }
        if (crossZoneAllowed && r.chance(0.6)) {
            ObjectNode cz = F.objectNode();
            if (r.chance(0.7)) {
                cz.set("failover", some(r, 4, () -> {
                    String type = r.pick("Any", "None", "Only", "AnyExcept");
                    boolean zones = type.equals("Only") || type.equals("AnyExcept");
                    return obj("from", r.chance(0.3) ? obj("zones", arr(r.pick("zone-1", "zone-2"))) : null,
                            "to", obj("type", type, "zones", zones ? (r.chance(0.5) ? arr("zone-2") : arr("zone-2", "zone-3", "zone-1")) : null));
                }));
            }
            if (r.chance(0.5)) cz.set("failoverThreshold", obj("percentage", decimal(r, "50", "100", "1", "99.9", "0.5", "0.0001", "0.000001", "1e-20")));
            la.set("crossZone", cz);
        }
        return la;
    }

    static ObjectNode meshHealthCheck(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshGateway", "MeshService", "MeshServiceSubset", "Dataplane"), false);
        return obj("targetRef", top, "to", some(r, 3, () -> obj("targetRef", toRef(r, List.of("Mesh", "MeshService", "MeshMultiZoneService")),
                "default", healthCheckConf(r))));
    }

    static ObjectNode healthCheckConf(Rand r) {
        ObjectNode c = F.objectNode();
        if (r.chance(0.5)) c.put("interval", duration(r));
        if (r.chance(0.5)) c.put("timeout", duration(r));
        if (r.chance(0.3)) c.put("unhealthyThreshold", r.pick(1, 3, Integer.MAX_VALUE));
        if (r.chance(0.3)) c.put("healthyThreshold", r.pick(1, 2, Integer.MAX_VALUE));
        if (r.chance(0.2)) c.put("initialJitter", duration(r));
        if (r.chance(0.2)) c.put("intervalJitter", duration(r));
        if (r.chance(0.2)) c.put("intervalJitterPercent", r.pick(0, 10, 100));
        if (r.chance(0.2)) c.set("healthyPanicThreshold", decimal(r, "0", "50", "100", "12.5", "0.000001"));
        if (r.chance(0.1)) c.put("failTrafficOnPanic", r.chance(0.5));
        if (r.chance(0.1)) c.put("eventLogPath", r.pick("/var/log/hc.log", "C:\\logs\\hc.log", "/"));
        if (r.chance(0.1)) c.put("alwaysLogHealthCheckFailures", r.chance(0.5));
        if (r.chance(0.1)) c.put("noTrafficInterval", duration(r));
        if (r.chance(0.1)) c.put("reuseConnection", r.chance(0.5));
        if (r.chance(0.5)) {
            c.set("http", obj("disabled", r.chance(0.2) ? r.chance(0.5) : null, "path", r.chance(0.6) ? r.pick("/health", "/", "/a?b=c") : null,
                    "expectedStatuses", r.chance(0.4) ? arr(r.pick(200, 100, 599), 204) : null,
                    "requestHeadersToAdd", r.chance(0.3) ? obj("set", r.chance(0.7) ? arr(obj("name", "x-check", "value", "1")) : null,
                            "add", r.chance(0.5) ? arr(obj("name", "x-add", "value", r.pick("a", ""))) : null) : null));
        }
        if (r.chance(0.4) || c.get("http") == null) {
            c.set("tcp", obj("disabled", r.chance(0.2) ? r.chance(0.5) : null, "send", r.chance(0.4) ? r.pick("cGluZw==", "", "AA==", "cGluZw", "ping?") : null,
                    "receive", r.chance(0.4) ? arr(r.pick("cG9uZw==", "", "/w==")) : null));
        }
        if (r.chance(0.3)) {
            c.set("grpc", obj("disabled", r.chance(0.2) ? r.chance(0.5) : null, "serviceName", r.chance(0.5) ? r.pick("grpc.health.v1.Health", "") : null,
                    "authority", r.chance(0.3) ? "web.mesh" : null));
        }
        return c;
    }

    static ObjectNode meshCircuitBreaker(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshService", "MeshGateway", "MeshServiceSubset", "Dataplane"), false);
        boolean meshTop = top == null || top.get("kind").asText().equals("Mesh");
        ObjectNode spec = obj("targetRef", top);
        if (r.chance(0.15)) {
            spec.set("rules", some(r, 2, () -> obj("default", circuitBreakerConf(r))));
        }
        if (spec.get("rules") == null || r.chance(0.3)) {
            List<String> kinds = meshTop ? List.of("Mesh", "MeshService", "MeshExternalService", "MeshMultiZoneService")
                    : List.of("Mesh", "MeshService", "MeshMultiZoneService");
            spec.set("to", some(r, 3, () -> obj("targetRef", toRef(r, kinds), "default", circuitBreakerConf(r))));
        }
        if (r.chance(0.3)) spec.set("from", some(r, 2, () -> obj("targetRef", obj("kind", "Mesh"), "default", circuitBreakerConf(r))));
        return spec;
    }

    static ObjectNode circuitBreakerConf(Rand r) {
        ObjectNode c = F.objectNode();
        if (r.chance(0.5)) {
            ObjectNode l = F.objectNode();
            for (String f : List.of("maxConnections", "maxConnectionPools", "maxPendingRequests", "maxRetries", "maxRequests")) {
                if (r.chance(0.4)) l.put(f, r.pick(1, 1024, Integer.MAX_VALUE));
            }
            c.set("connectionLimits", l);
        }
        if (c.isEmpty() || r.chance(0.5)) {
            ObjectNode d = F.objectNode();
            if (r.chance(0.4)) d.set("totalFailures", obj("consecutive", r.chance(0.8) ? r.pick(1, 5, Integer.MAX_VALUE) : null));
            if (r.chance(0.3)) d.set("gatewayFailures", obj("consecutive", r.pick(1, 5)));
            if (r.chance(0.3)) d.set("localOriginFailures", obj("consecutive", r.pick(1, 5)));
            if (r.chance(0.3)) {
                d.set("successRate", obj("minimumHosts", r.chance(0.5) ? r.pick(1, 5) : null, "requestVolume", r.chance(0.5) ? r.pick(1, 100) : null,
                        "standardDeviationFactor", r.chance(0.6) ? decimal(r, "1", "1.9", "0.001", "1900", "3000000") : null));
            }
            if (r.chance(0.3)) {
                d.set("failurePercentage", obj("minimumHosts", r.chance(0.5) ? 5 : null, "requestVolume", r.chance(0.5) ? 50 : null,
                        "threshold", r.chance(0.7) ? r.pick(0, 85, 100) : null));
            }
            if (d.isEmpty()) d.set("totalFailures", obj("consecutive", 5));
            c.set("outlierDetection", obj("disabled", r.chance(0.2) ? r.chance(0.5) : null, "interval", r.chance(0.4) ? duration(r) : null,
                    "baseEjectionTime", r.chance(0.4) ? duration(r) : null, "maxEjectionPercent", r.chance(0.4) ? r.pick(0, 20, 100) : null,
                    "splitExternalAndLocalErrors", r.chance(0.2) ? r.chance(0.5) : null, "detectors", d));
        }
        return c;
    }

    static ObjectNode meshPassthrough(Rand r) {
        ObjectNode conf = obj("passthroughMode", r.chance(0.8) ? r.pick("All", "Matched", "None") : null);
        if (r.chance(0.7)) {
            ArrayNode matches = F.arrayNode();
            int port = 1000; // a port of its own per match: no protocol conflict, no duplicate value
            for (int i = r.between(1, 4); i > 0; i--) {
                Integer optional = r.chance(0.8) ? port++ : null;
                matches.add(switch (r.below(4)) {
                    case 0 -> obj("type", "Domain", "value", r.pick("httpbin.org", "*.example.com", "a_b.example"), "port", port++,
                            "protocol", r.pick("tls", "http", "http2", "grpc"));
                    case 1 -> obj("type", "IP", "value", r.pick("10.0.0.1", "::1", "255.255.255.255"), "port", optional, "protocol", "tcp");
                    case 2 -> obj("type", "IP", "value", "172.1.1.1", "port", port++, "protocol", "mysql");
                    default -> obj("type", "CIDR", "value", r.pick("10.0.0.0/8", "fd00::/64", "0.0.0.0/0"), "port", optional, "protocol", r.pick("tcp", "tls"));
                });
            }
            conf.set("appendMatch", matches);
        }
        return obj("targetRef", topRef(r, List.of("Mesh", "MeshSubset", "Dataplane"), false), "default", conf);
    }

    static ObjectNode meshTcpRoute(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshGateway", "MeshService", "MeshServiceSubset", "Dataplane"), false);
        boolean gateway = top != null && top.get("kind").asText().equals("MeshGateway");
        ObjectNode spec = obj("targetRef", top);
        if (r.chance(0.05)) return spec;
        spec.set("to", some(r, 3, () -> {
            ObjectNode ref = gateway ? obj("kind", "Mesh") : toRef(r, List.of("MeshService", "MeshService", "MeshExternalService", "MeshMultiZoneService"));
            if (r.chance(0.15)) return obj("targetRef", ref); // routes to its own target
            return obj("targetRef", ref, "rules", some(r, 2, () -> {
                ArrayNode backends = F.arrayNode();
                for (int i = r.between(1, 4); i > 0; i--) {
                    Integer weight = r.chance(0.6) ? r.pick(0, 1, 10, 90, Integer.MAX_VALUE) : null;
                    backends.add(switch (r.below(4)) {
                        case 0 -> obj("kind", "MeshServiceSubset", "name", service(r), "tags", obj("version", r.pick("v1", "v2")), "weight", weight);
                        case 1 -> obj("kind", "MeshExternalService", "name", "httpbin", "weight", weight);
                        case 2 -> obj("kind", "MeshMultiZoneService", "name", r.pick("backend", "remote"), "weight", weight, "port", r.pick(1, 5432, 65535));
                        default -> obj("kind", "MeshService", "name", service(r), "weight", weight, "port", r.chance(0.3) ? 5432 : null);
                    });
                }
                return obj("default", obj("backendRefs", backends));
            }));
        }));
        return spec;
    }

    static ObjectNode meshHttpRoute(Rand r) {
        ObjectNode top = topRef(r, List.of("Mesh", "MeshSubset", "MeshGateway", "MeshService", "MeshServiceSubset", "Dataplane"), false);
        boolean gateway = top != null && top.get("kind").asText().equals("MeshGateway");
        ObjectNode spec = obj("targetRef", top);
        if (r.chance(0.05)) return spec; // no to: accepted, applies nothing
        spec.set("to", some(r, 2, () -> {
            ObjectNode ref = gateway ? obj("kind", "Mesh") : toRef(r, List.of("MeshService", "MeshService", "MeshExternalService", "MeshMultiZoneService"));
            return obj("targetRef", ref, "hostnames", gateway && r.chance(0.5) ? arr("example.com", "*.example.com") : null,
                    "rules", r.chance(0.05) ? null : some(r, 3, () -> httpRule(r, gateway)));
        }));
        return spec;
    }

    static ObjectNode httpRule(Rand r, boolean gateway) {
        ArrayNode matches = F.arrayNode();
        int n = r.between(0, 3);
        boolean allPrefix = true;
        for (int i = 0; i < n; i++) {
            ObjectNode m = F.objectNode();
            if (r.chance(0.7)) {
                String type = r.pick("Exact", "PathPrefix", "RegularExpression");
                String value = switch (type) {
                    case "Exact" -> r.pick("/", "/api", "/a/b", "/\u00E9t\u00E9", "/" + "x".repeat(2000));
                    case "PathPrefix" -> r.pick("/", "/api", "/v2");
                    default -> r.pick("^/api/.*$", "/(a|b)+", "[", ".*", "(?i)x");
                };
                m.set("path", obj("type", type, "value", value));
                if (!type.equals("PathPrefix")) allPrefix = false;
            } else {
                allPrefix = false;
            }
            if (r.chance(0.3)) m.put("method", r.pick("GET", "POST", "CONNECT", "TRACE", "PATCH"));
            if (r.chance(0.2)) m.set("queryParams", arr(obj("type", r.pick("Exact", "RegularExpression"), "name", r.pick("user", "q"),
                    "value", r.pick("1", "^a+$", "", "x y"))));
            if (r.chance(0.3)) m.set("headers", arr(headerMatch(r)));
            matches.add(m);
        }
        if (n == 0) allPrefix = false;
        ArrayNode filters = F.arrayNode();
        boolean redirect = false;
        int f = r.chance(0.5) ? 0 : r.between(1, 3);
        Set<String> usedTypes = new LinkedHashSet<>();
        for (int i = 0; i < f; i++) {
            String type = r.pick("RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "RequestMirror");
            if (!usedTypes.add(type)) continue;
            switch (type) {
                case "RequestHeaderModifier", "ResponseHeaderModifier" -> {
                    ObjectNode mod = F.objectNode();
                    if (r.chance(0.6)) mod.set("set", arr(obj("name", "x-set", "value", r.pick("1", "", "a,b"))));
                    if (r.chance(0.5)) mod.set("add", arr(obj("name", "x-add", "value", r.pick("v", "\u00E9"))));
                    if (mod.isEmpty() || r.chance(0.3)) mod.set("remove", arr("x-remove"));
                    String field = type.equals("RequestHeaderModifier") ? "requestHeaderModifier" : "responseHeaderModifier";
                    filters.add(obj("type", type, field, mod));
                }
                case "RequestRedirect" -> {
                    redirect = true;
                    ObjectNode path = !r.chance(0.4) ? null : allPrefix && r.chance(0.5)
                            ? obj("type", "ReplacePrefixMatch", "replacePrefixMatch", r.pick("/", "/new"))
                            : obj("type", "ReplaceFullPath", "replaceFullPath", r.pick("/", "/moved"));
                    filters.add(obj("type", type, "requestRedirect", obj("scheme", r.chance(0.5) ? r.pick("http", "https") : null,
                            "hostname", r.chance(0.5) ? r.pick("example.com", "a-b.c") : null, "port", r.chance(0.3) ? r.pick(1, 443, 65535) : null,
                            "statusCode", r.chance(0.5) ? r.pick(301, 302, 303, 307, 308) : null, "path", path)));
                }
                case "URLRewrite" -> {
                    ObjectNode path = !r.chance(0.6) ? null : allPrefix && r.chance(0.5)
                            ? obj("type", "ReplacePrefixMatch", "replacePrefixMatch", r.pick("/", "/new"))
                            : obj("type", "ReplaceFullPath", "replaceFullPath", "/rewritten");
                    boolean hostToBackend = gateway && r.chance(0.3);
                    filters.add(obj("type", type, "urlRewrite", obj("hostname", !hostToBackend && r.chance(0.4) ? "rewritten.example" : null,
                            "path", path, "hostToBackendHostname", hostToBackend ? Boolean.TRUE : null)));
                }
                default -> filters.add(obj("type", type, "requestMirror", obj("backendRef", r.chance(0.8)
                                ? obj("kind", "MeshService", "name", service(r), "port", r.chance(0.3) ? 8080 : null)
                                : obj("kind", "MeshServiceSubset", "name", service(r), "tags", obj("version", "v2")),
                        "percentage", r.chance(0.5) ? decimal(r, "0", "50", "100", "0.01", "99.99") : null)));
            }
        }
        ArrayNode backends = F.arrayNode();
        int b = gateway && !redirect ? r.between(1, 3) : r.chance(0.3) ? 0 : r.between(1, 3);
        for (int i = 0; i < b; i++) {
            Integer weight = r.chance(0.6) ? r.pick(0, 1, 10, 90, Integer.MAX_VALUE) : null;
            Integer port = r.chance(0.2) ? r.pick(1, 8080, 65535) : null;
            backends.add(switch (r.below(4)) {
                case 0 -> obj("kind", "MeshServiceSubset", "name", service(r), "tags", obj("version", r.pick("v1", "v2")), "weight", weight);
                case 1 -> obj("kind", "MeshExternalService", "name", "httpbin", "weight", weight);
                case 2 -> obj("kind", "MeshMultiZoneService", "name", r.pick("backend", "remote"), "weight", weight, "port", port);
                default -> obj("kind", "MeshService", "name", service(r), "weight", weight, "port", port);
            });
        }
        ObjectNode rule = obj("matches", n == 0 && r.chance(0.5) ? null : matches);
        ObjectNode conf = F.objectNode();
        if (!filters.isEmpty()) conf.set("filters", filters);
        if (!backends.isEmpty() || r.chance(0.2)) conf.set("backendRefs", backends);
        rule.set("default", conf);
        return rule;
    }

    /** Every type this class has a skeleton for (all of {@link ResourceTypes#all()}). */
    static List<ResourceType> types() {
        return new ArrayList<>(ResourceTypes.all());
    }
}
