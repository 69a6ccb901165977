package dev.ursa.zone.xds.view;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;
import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.NodeId;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one dataplane sees of its mesh: its own inbounds, its outbounds, and the policies that select it. Endpoints
 * are not part of the view (they come from the mesh's {@link EndpointIndex} per cluster) so that an endpoint change
 * never invalidates a view.
 *
 * @param dataplane  its Dataplane; for an unregistered client a synthetic one with no inbound
 * @param registered false for a client-only view
 * @param mtls       the mesh's mTLS mode; {@code null} when mTLS is off
 */
public record DataplaneView(NodeId id, Flavour flavour, Resource dataplane, boolean registered,
                            List<Inbound> inbounds, List<OutboundView> outbounds,
                            Map<ResourceType, PolicyRules> policies, MtlsMode mtls) {
    /** How a mesh with mTLS treats plaintext: refused ({@code STRICT}) or accepted on inbounds ({@code PERMISSIVE}). */
    public enum MtlsMode { STRICT, PERMISSIVE }

    public DataplaneView(NodeId id, Flavour flavour, Resource dataplane, boolean registered, List<Inbound> inbounds,
                         List<OutboundView> outbounds, Map<ResourceType, PolicyRules> policies) {
        this(id, flavour, dataplane, registered, inbounds, outbounds, policies, null);
    }

    public DataplaneView {
        inbounds = List.copyOf(inbounds);
        outbounds = List.copyOf(outbounds);
        policies = Map.copyOf(policies);
    }

    public Optional<MtlsMode> mtlsMode() {
        return Optional.ofNullable(mtls);
    }

    public DataplaneSpec spec() {
        return dataplane.spec(DataplaneSpec.class);
    }

    public PolicyRules rules(ResourceType type) {
        return policies.getOrDefault(type, PolicyRules.none());
    }

    /** The address inbound listeners bind to. */
    public String address() {
        String a = spec().networking() == null ? null : spec().networking().address();
        return a == null ? "0.0.0.0" : a;
    }
}
