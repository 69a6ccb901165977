package dev.ursa.zone.xds.view;

import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.matching.ToRules;

import java.util.List;
import java.util.Map;

/**
 * The policies of one type that select a dataplane (least specific first) and their effective to/from confs.
 *
 * @param destinations for a proxyless client and a {@link ViewBuilder#DESTINATION_SIDE} type only: by service, every
 *                     inbound of that service in the zone with the policies selecting it (empty otherwise)
 */
public record PolicyRules(List<PolicyMatch> matches, ToRules to, FromRules from, Map<String, List<DestinationInbound>> destinations) {
    public PolicyRules {
        matches = List.copyOf(matches);
        destinations = Map.copyOf(destinations);
    }

    public PolicyRules(List<PolicyMatch> matches, ToRules to, FromRules from) {
        this(matches, to, from, Map.of());
    }

    public static PolicyRules none() {
        return new PolicyRules(List.of(), ToRules.empty(), new FromRules(List.of()));
    }
}
