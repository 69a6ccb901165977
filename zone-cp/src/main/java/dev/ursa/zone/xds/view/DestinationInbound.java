package dev.ursa.zone.xds.view;

import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.resources.DataplaneSpec.Inbound;

import java.util.List;
import java.util.Optional;

/**
 * One inbound of a service a proxyless client may call, with the policies of one type that select it: what a client
 * applies on behalf of its destination when only the client can (grpc-java has client-side HTTP filters only, e.g.
 * the fault filter). See {@link ViewBuilder#DESTINATION_SIDE}.
 *
 * @param matches the policies selecting this inbound (least specific first)
 * @param from    their {@code from} items for this inbound, if any
 */
public record DestinationInbound(String dataplane, Inbound inbound, List<PolicyMatch> matches, Optional<FromRules.InboundRules> from) {
    public DestinationInbound {
        matches = List.copyOf(matches);
    }
}
