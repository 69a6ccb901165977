package dev.ursa.mesh.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.model.ResourceSpec;
import dev.ursa.mesh.policy.common.KumaDuration;
import dev.ursa.mesh.policy.common.Tags;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Kuma 2.14 universal Dataplane (layout INLINE: {@code networking}, {@code metrics}, {@code probes} sit beside
 * {@code type}, {@code mesh} and {@code name}). Absent fields stay null so a document round-trips unchanged; the
 * accessors without a {@code get}/{@code is} prefix give the zone CP null-free views.
 *
 * Fields the zone's xDS renderer does not use are still kept and validated, and a write carrying one is answered with a
 * warning ({@link DataplaneValidator}).
 *
 * @param metrics the proxy's own metrics backend (Kuma's MetricsBackend); Ursa does not act on it yet
 * @param probes  virtual probes (served by Kuma's kuma-dp); Ursa does not act on them
 * @param envoy   kept as written (EnvoyConfiguration)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataplaneSpec(Networking networking, Metrics metrics, Probes probes, JsonNode envoy) implements ResourceSpec {

    public static DataplaneSpec of(Networking networking) {
        return new DataplaneSpec(networking, null, null, null);
    }

    /** Inbounds, never null. */
    public List<Inbound> inbounds() {
        return networking == null || networking.inbound() == null ? List.of() : networking.inbound();
    }

    /** Zone proxy listeners ({@code networking.listeners}), never null. */
    public List<Listener> listeners() {
        return networking == null || networking.listeners() == null ? List.of() : networking.listeners();
    }

    /** Outbounds, never null. */
    public List<Outbound> outbounds() {
        return networking == null || networking.outbound() == null ? List.of() : networking.outbound();
    }

    public Optional<Gateway> gateway() {
        return networking == null ? Optional.empty() : Optional.ofNullable(networking.gateway());
    }

    /** The {@code kuma.io/service} of every inbound (or of the gateway), in order, without duplicates. */
    public List<String> serviceNames() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (Inbound in : inbounds()) {
            if (in.serviceName() != null) names.add(in.serviceName());
        }
        gateway().map(g -> g.tagsOrEmpty().get(Tags.SERVICE)).ifPresent(names::add);
        return List.copyOf(names);
    }

    /** The address other proxies should use: {@code advertisedAddress} when set, else {@code address}. */
    public String reachableAddress() {
        if (networking == null) return null;
        String adv = networking.advertisedAddress();
        return adv != null && !adv.isEmpty() ? adv : networking.address();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Networking(
            String address,
            String advertisedAddress,
            List<Inbound> inbound,
            List<Outbound> outbound,
            Gateway gateway,
            TransparentProxying transparentProxying,
            Admin admin,
            List<Listener> listeners) {

        /** Lists as unmodifiable copies: a spec is a value (the codec has refused null items before). */
        public Networking {
            inbound = copy(inbound);
            outbound = copy(outbound);
            listeners = copy(listeners);
        }
    }

    private static <T> List<T> copy(List<T> items) {
        return items == null ? null : List.copyOf(items);
    }

    /**
     * A zone proxy listener embedded in a Dataplane (Kuma 2.14's {@code Dataplane.Networking.Listener}): a zone ingress
     * or zone egress served by this proxy at {@code address:port}.
     *
     * @param name optional; unique across the Dataplane's inbounds and listeners (its sectionName, else the port)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listener(ListenerType type, String address, Integer port, String name, ListenerState state) {
    }

    /** Kuma's {@code Listener.Type}; {@code Unspecified} (the proto default) is refused by validation. */
    public enum ListenerType {
        Unspecified,
        ZoneIngress,
        ZoneEgress
    }

    public enum ListenerState {
        Ready,
        NotReady
    }

    /**
     * Kuma's {@code MetricsBackend} as a Dataplane carries it: {@code type} {@code prometheus} and its {@code conf}
     * (kept as written, checked as a {@code PrometheusMetricsBackendConfig}). Strict like the rest of the Dataplane; a
     * Mesh's backends ({@link MeshSections.MetricsBackend}) ignore unknown fields like the rest of the Mesh.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metrics(String name, String type, JsonNode conf) {
    }

    /** Kuma's virtual probes: {@code port} serves {@code endpoints[].path}, forwarded to an inbound's path. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Probes(Integer port, List<ProbeEndpoint> endpoints) {
        public Probes {
            endpoints = copy(endpoints);
        }

        public List<ProbeEndpoint> endpointsOrEmpty() {
            return endpoints == null ? List.of() : endpoints;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProbeEndpoint(Integer inboundPort, String inboundPath, String path) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Inbound(
            Integer port,
            Integer servicePort,
            String serviceAddress,
            String address,
            String name,
            Map<String, String> tags,
            Health health,
            ServiceProbe serviceProbe,
            InboundState state) {

        public Map<String, String> tagsOrEmpty() {
            return tags == null ? Map.of() : tags;
        }

        /** The {@code kuma.io/service} tag, or null. */
        public String serviceName() {
            return tagsOrEmpty().get(Tags.SERVICE);
        }

        /** The inbound port, 0 when absent. */
        public int portOrZero() {
            return port == null ? 0 : port;
        }

        /** Where the application listens: {@code servicePort}, defaulting to {@code port} as in Kuma. */
        public int effectiveServicePort() {
            return servicePort == null || servicePort == 0 ? portOrZero() : servicePort;
        }

        /** Ignored inbounds get no listener and cannot be targeted by policies (Kuma's {@code state: Ignored}). */
        public boolean ignored() {
            return state == InboundState.Ignored;
        }

        /**
         * Whether this inbound may receive traffic: an absent {@code health} means ready (Kuma), and a
         * {@code state} of NotReady or Ignored means not ready.
         */
        public boolean ready() {
            if (state == InboundState.NotReady || state == InboundState.Ignored) return false;
            return health == null || Boolean.TRUE.equals(health.ready());
        }
    }

    public enum InboundState {
        Ready,
        NotReady,
        Ignored
    }

    /** {@code ready} absent inside a present {@code health} block means false, as proto3 reads it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Health(Boolean ready) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceProbe(
            KumaDuration interval,
            KumaDuration timeout,
            Integer unhealthyThreshold,
            Integer healthyThreshold,
            JsonNode tcp) {
    }

    /** @param service deprecated in Kuma (use {@code tags}); accepted for old documents */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outbound(
            String address,
            Integer port,
            Map<String, String> tags,
            BackendRef backendRef,
            String service) {

        public Map<String, String> tagsOrEmpty() {
            return tags == null ? Map.of() : tags;
        }

        /** The destination service: {@code tags[kuma.io/service]}, else the deprecated {@code service}, else the backendRef name. */
        public String serviceName() {
            String s = tagsOrEmpty().get(Tags.SERVICE);
            if (s != null) return s;
            if (service != null && !service.isEmpty()) return service;
            return backendRef == null ? null : backendRef.name();
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BackendRef(String kind, String name, Integer port, Map<String, String> labels) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Gateway(Map<String, String> tags, GatewayType type) {
        public Map<String, String> tagsOrEmpty() {
            return tags == null ? Map.of() : tags;
        }

        /** Kuma's default type is DELEGATED. */
        public GatewayType typeOrDefault() {
            return type == null ? GatewayType.DELEGATED : type;
        }
    }

    public enum GatewayType {
        DELEGATED,
        BUILTIN
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TransparentProxying(
            Integer redirectPortInbound,
            Integer redirectPortOutbound,
            List<String> directAccessServices,
            List<String> reachableServices,
            IpFamilyMode ipFamilyMode,
            ReachableBackends reachableBackends) {
    }

    public enum IpFamilyMode {
        UnSpecified,
        DualStack,
        IPv4,
        IPv6
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReachableBackends(List<ReachableBackendRef> refs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReachableBackendRef(String kind, String name, String namespace, Integer port, Map<String, String> labels) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Admin(Integer port) {
    }
}
