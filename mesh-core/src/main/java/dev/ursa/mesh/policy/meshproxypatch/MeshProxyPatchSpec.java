package dev.ursa.mesh.policy.meshproxypatch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;

import java.util.List;
import java.util.Map;

/**
 * Kuma 2.14 MeshProxyPatch ({@code pkg/plugins/policies/meshproxypatch/api/v1alpha1}): modifications of the Envoy
 * resources rendered for the selected proxies (clusters, listeners, network filters, HTTP filters, virtual hosts), each
 * a native Envoy resource in YAML ({@code value}) or RFC 6902 JSON patches. A single-item policy: {@code targetRef} and
 * {@code default}; the {@code appendModifications} of every selecting policy are applied, least specific first.
 * Operations are kept as text so that a wrong one is reported by the validator in Kuma's words.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshProxyPatchSpec(TargetRef targetRef, @JsonProperty("default") Conf defaults) implements TargetRefPolicy {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conf(List<Modification> appendModifications) {
    }

    /** Exactly one of its fields is set (the validator says so otherwise). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Modification(ClusterMod cluster, ListenerMod listener, NetworkFilterMod networkFilter, HttpFilterMod httpFilter,
                               VirtualHostMod virtualHost) {
    }

    /** What every kind of modification has. */
    public sealed interface Mod permits ClusterMod, ListenerMod, NetworkFilterMod, HttpFilterMod, VirtualHostMod {
        String operation();

        String value();

        List<JsonPatchBlock> jsonPatches();
    }

    /** @param operation {@code Add}, {@code Remove} or {@code Patch} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClusterMod(ClusterMatch match, String operation, String value, List<JsonPatchBlock> jsonPatches) implements Mod {
    }

    /** @param origin the component that generated the cluster ({@code inbound}, {@code outbound}, ...) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClusterMatch(String origin, String name) {
    }

    /** @param operation {@code Add}, {@code Remove} or {@code Patch} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListenerMod(ListenerMatch match, String operation, String value, List<JsonPatchBlock> jsonPatches) implements Mod {
    }

    /** @param tags the listener's tags (Kuma's {@code io.kuma.tags} listener metadata) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListenerMatch(String origin, String name, Map<String, String> tags) {
    }

    /** @param operation {@code AddFirst}, {@code AddLast}, {@code AddBefore}, {@code AddAfter}, {@code Patch} or {@code Remove} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetworkFilterMod(FilterMatch match, String operation, String value, List<JsonPatchBlock> jsonPatches) implements Mod {
    }

    /** @param operation as for network filters */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HttpFilterMod(FilterMatch match, String operation, String value, List<JsonPatchBlock> jsonPatches) implements Mod {
    }

    /** A network or HTTP filter ({@code name}) in the listeners that match the rest. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FilterMatch(String origin, String name, String listenerName, Map<String, String> listenerTags) {
    }

    /** @param operation {@code Add}, {@code Remove} or {@code Patch} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VirtualHostMod(VirtualHostMatch match, String operation, String value, List<JsonPatchBlock> jsonPatches) implements Mod {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VirtualHostMatch(String origin, String name, String routeConfigurationName) {
    }

    /**
     * One RFC 6902 operation.
     *
     * @param op    {@code add}, {@code remove}, {@code replace}, {@code move} or {@code copy}
     * @param value any JSON value (for add and replace); an explicit {@code null} is a value, as in Kuma
     * @param from  the source pointer of move and copy
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JsonPatchBlock(String op, String path, JsonNode value, String from) {
    }
}
