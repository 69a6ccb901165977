package dev.ursa.zone.xds.view;

import dev.ursa.mesh.matching.MatchInput;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.matching.PolicyMatcher;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
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

/** Builds {@link DataplaneView}s. Pure. */
public final class ViewBuilder {
    /** The policy types the zone mirrors and matches: every registered one ({@link ResourceTypes#registry()}), in plugin order. */
    public static final List<ResourceType> POLICY_TYPES = ResourceTypes.registry().inPluginOrder().stream()
            .map(PolicyType::type).toList();

    private ViewBuilder() {
    }

    /** A Dataplane standing for a node that registered none: no inbound, so only Mesh-wide policies select it. */
    public static Resource clientOnly(NodeId id) {
        return new Resource(ResourceTypes.DATAPLANE, Meta.fresh(id.mesh(), id.name(), Map.of()),
                DataplaneSpec.of(new DataplaneSpec.Networking(null, null, null, null, null, null, null)));
    }

    public static DataplaneView build(NodeId id, Flavour flavour, Resource dataplane, boolean registered,
                                      MeshInputs mesh, EndpointIndex index) {
        return build(id, flavour, dataplane, registered, mesh, index, POLICY_TYPES);
    }

    /** As above, matching the policies of {@code policyTypes} (a test's own types, say). */
    public static DataplaneView build(NodeId id, Flavour flavour, Resource dataplane, boolean registered,
                                      MeshInputs mesh, EndpointIndex index, List<ResourceType> policyTypes) {
        MatchInput input = MatchInput.of(dataplane);
        Map<ResourceType, PolicyRules> policies = new LinkedHashMap<>();
        for (ResourceType type : policyTypes) {
            List<Resource> all = mesh.policies(type);
            if (all.isEmpty()) continue;
            List<PolicyMatch> matches = PolicyMatcher.matchingPolicies(input, all);
            if (matches.isEmpty()) continue;
            policies.put(type, new PolicyRules(matches, PolicyMatcher.toRules(input, all), PolicyMatcher.fromRules(input, all)));
        }
        DataplaneSpec spec = dataplane.spec(DataplaneSpec.class);
        List<Inbound> inbounds = spec.inbounds().stream().filter(in -> !in.ignored() && in.portOrZero() > 0).toList();
        return new DataplaneView(id, flavour, dataplane, registered, inbounds, outbounds(flavour, spec, index), policies, mtlsMode(mesh));
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
