package dev.ursa.mesh.policy.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * Kuma's {@code targetRef}: which proxies (top level), outbounds ({@code to}) or inbounds ({@code from}) a policy
 * part applies to. Absent fields are null so a round trip writes back exactly what the user sent.
 *
 * @param port Kuma's docs render some MeshService examples with {@code _port}; it is accepted and kept, never used.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetRef(
        TargetRefKind kind,
        String name,
        String namespace,
        String sectionName,
        Map<String, String> tags,
        Map<String, String> labels,
        String mesh,
        List<ProxyType> proxyTypes,
        @JsonProperty("_port") Integer port) {

    public static TargetRef wholeMesh() {
        return new TargetRef(TargetRefKind.Mesh, null, null, null, null, null, null, null, null);
    }

    public static TargetRef service(String name) {
        return new TargetRef(TargetRefKind.MeshService, name, null, null, null, null, null, null, null);
    }

    public static TargetRef subset(Map<String, String> tags) {
        return new TargetRef(TargetRefKind.MeshSubset, null, null, null, tags, null, null, null, null);
    }

    public static TargetRef serviceSubset(String name, Map<String, String> tags) {
        return new TargetRef(TargetRefKind.MeshServiceSubset, name, null, null, tags, null, null, null, null);
    }

    public Map<String, String> tagsOrEmpty() {
        return tags == null ? Map.of() : tags;
    }

    public Map<String, String> labelsOrEmpty() {
        return labels == null ? Map.of() : labels;
    }

    /**
     * Kuma's {@code IncludesGateways}: a gateway, a route, or a Mesh/MeshSubset scope that does not exclude gateways
     * (no {@code proxyTypes}, or one that lists Gateway). Inbound-only parts ({@code from}, {@code rules}) are refused
     * on such a scope by the types that say so.
     */
    public boolean includesGateways() {
        if (kind == TargetRefKind.MeshGateway || kind == TargetRefKind.MeshHTTPRoute) return true;
        boolean meshKind = kind == TargetRefKind.Mesh || kind == TargetRefKind.MeshSubset;
        return meshKind && (proxyTypes == null || proxyTypes.isEmpty() || proxyTypes.contains(ProxyType.Gateway));
    }

    public enum ProxyType {
        Sidecar,
        Gateway
    }
}
