package dev.ursa.zone.xds.view;

import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.MatchInput;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.matching.PolicyMatcher;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.policy.meshfaultinjection.MeshFaultInjectionPolicy;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.mesh.resources.DataplaneSpec.Outbound;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.NodeId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds {@link DataplaneView}s. Pure. */
public final class ViewBuilder {
    /** The policy types the zone mirrors and matches: every registered one ({@link ResourceTypes#registry()}), in plugin order. */
    public static final List<ResourceType> POLICY_TYPES = ResourceTypes.registry().inPluginOrder().stream()
            .map(PolicyType::type).toList();

    /**
     * Inbound policy types a proxyless client applies for the services it calls: Kuma applies them on the destination's
     * inbound, which a proxyless server cannot (grpc-java's fault filter is client-side only).
     */
    public static final List<ResourceType> DESTINATION_SIDE = List.of(MeshFaultInjectionPolicy.TYPE.type());

    private ViewBuilder() {
    }

    /** A Dataplane standing for a node that registered none: no inbound, so only Mesh-wide policies select it. */
    public static Resource clientOnly(NodeId id) {
        return new Resource(ResourceTypes.DATAPLANE, Meta.fresh(id.mesh(), id.name(), Map.of()),
                DataplaneSpec.of(new DataplaneSpec.Networking(null, null, null, null, null, null, null, null)));
    }

    public static DataplaneView build(NodeId id, Flavour flavour, Resource dataplane, boolean registered,
                                      MeshInputs mesh, EndpointIndex index) {
        return build(id, flavour, dataplane, registered, mesh, index, new DestinationIndex(mesh));
    }

    /** As above, with the mesh generation's shared {@link DestinationIndex}. */
    public static DataplaneView build(NodeId id, Flavour flavour, Resource dataplane, boolean registered,
                                      MeshInputs mesh, EndpointIndex index, DestinationIndex destinationIndex) {
        return build(id, flavour, dataplane, registered, mesh, index, destinationIndex, POLICY_TYPES);
    }

    /** As above, matching the policies of {@code policyTypes} (a test's own types, say). */
    public static DataplaneView build(NodeId id, Flavour flavour, Resource dataplane, boolean registered,
                                      MeshInputs mesh, EndpointIndex index, List<ResourceType> policyTypes) {
        return build(id, flavour, dataplane, registered, mesh, index, new DestinationIndex(mesh), policyTypes);
    }

    private static DataplaneView build(NodeId id, Flavour flavour, Resource dataplane, boolean registered, MeshInputs mesh,
                                       EndpointIndex index, DestinationIndex destinationIndex, List<ResourceType> policyTypes) {
        MatchInput input = MatchInput.of(dataplane);
        Map<ResourceType, PolicyRules> policies = new LinkedHashMap<>();
        for (ResourceType type : policyTypes) {
            List<Resource> all = mesh.policies(type);
            if (all.isEmpty()) continue;
            List<PolicyMatch> matches = PolicyMatcher.matchingPolicies(input, all);
            Map<String, List<DestinationInbound>> destinations = flavour == Flavour.PROXYLESS && DESTINATION_SIDE.contains(type)
                    ? destinationIndex.of(type) : Map.of();
            if (matches.isEmpty() && destinations.isEmpty()) continue;
            policies.put(type, new PolicyRules(matches, PolicyMatcher.toRules(input, all), PolicyMatcher.fromRules(input, all), destinations));
        }
        DataplaneSpec spec = dataplane.spec(DataplaneSpec.class);
        List<Inbound> inbounds = spec.inbounds().stream().filter(in -> !in.ignored() && in.portOrZero() > 0).toList();
        return new DataplaneView(id, flavour, dataplane, registered, inbounds, outbounds(flavour, spec, index), policies, mtlsMode(mesh));
    }

    /** Every inbound of the mesh's dataplanes by service, with the policies of one type selecting it. */
    static Map<String, List<DestinationInbound>> destinations(MeshInputs mesh, List<Resource> policies) {
        Map<String, List<DestinationInbound>> out = new TreeMap<>();
        for (Resource dp : new TreeMap<>(mesh.dataplanes()).values()) {
            MatchInput input = MatchInput.of(dp);
            List<PolicyMatch> matches = PolicyMatcher.matchingPolicies(input, policies);
            FromRules from = PolicyMatcher.fromRules(input, policies);
            for (Inbound in : dp.spec(DataplaneSpec.class).inbounds()) {
                if (in.ignored() || in.serviceName() == null) continue;
                List<PolicyMatch> selecting = matches.stream().filter(m -> m.inbounds().contains(in)).toList();
                out.computeIfAbsent(in.serviceName(), s -> new ArrayList<>())
                        .add(new DestinationInbound(dp.meta().name(), in, selecting, from.forInbound(in.portOrZero())));
            }
        }
        return out;
    }

    /** The mesh's mTLS mode, null when off. */
    static DataplaneView.MtlsMode mtlsMode(MeshInputs mesh) {
        return mesh.meshResource().flatMap(m -> m.spec(MeshSpec.class).enabledMtls())
                .map(b -> b.permissive() ? DataplaneView.MtlsMode.PERMISSIVE : DataplaneView.MtlsMode.STRICT).orElse(null);
    }

    /**
     * Envoy: the outbounds the Dataplane declares. Proxyless: every service of the mesh (a gRPC client may dial any
     * {@code xds:///<service>}; the client only subscribes to those it uses).
     */
    static List<OutboundView> outbounds(Flavour flavour, DataplaneSpec spec, EndpointIndex index) {
        List<OutboundView> out = new ArrayList<>();
        if (flavour == Flavour.PROXYLESS) {
            for (String s : index.serviceNames()) out.add(new OutboundView(s, null, 0, index.protocol(s)));
            return out;
        }
        for (Outbound o : spec.outbounds()) {
            String s = o.serviceName();
            if (s == null || o.port() == null) continue;
            String address = o.address() == null || o.address().isEmpty() ? "127.0.0.1" : o.address();
            out.add(new OutboundView(s, address, o.port(), index.protocol(s)));
        }
        return out;
    }
}
