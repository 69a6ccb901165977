package dev.ursa.zone.xds.view;

import dev.ursa.mesh.matching.FromRules;
import dev.ursa.mesh.matching.PolicyMatch;
import dev.ursa.mesh.matching.ToRules;

import java.util.List;

/** The policies of one type that select a dataplane (least specific first) and their effective to/from confs. */
public record PolicyRules(List<PolicyMatch> matches, ToRules to, FromRules from) {
    public PolicyRules {
        matches = List.copyOf(matches);
    }

    public static PolicyRules none() {
        return new PolicyRules(List.of(), ToRules.empty(), new FromRules(List.of()));
    }
}
