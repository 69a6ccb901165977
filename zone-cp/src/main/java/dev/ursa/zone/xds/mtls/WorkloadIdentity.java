package dev.ursa.zone.xds.mtls;

import dev.ursa.mesh.policy.common.Tags;
import dev.ursa.mesh.resources.DataplaneSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The URI SANs of a dataplane's certificate, as Kuma writes them. */
public final class WorkloadIdentity {
    private WorkloadIdentity() {
    }

    public static String spiffeId(String mesh, String service) {
        return "spiffe://" + mesh + "/" + service;
    }

    /**
     * {@code spiffe://<mesh>/<service>} for each service of its inbounds (in order), then {@code kuma://<tag>/<value>}
     * for every tag of every inbound (sorted). Empty for a dataplane without inbounds.
     */
    public static List<String> uris(String mesh, DataplaneSpec spec) {
        Set<String> spiffe = new LinkedHashSet<>();
        Map<String, Set<String>> tags = new TreeMap<>();
        for (DataplaneSpec.Inbound in : spec.inbounds()) {
            Map<String, String> t = in.tagsOrEmpty();
            String service = t.get(Tags.SERVICE);
            if (service != null) spiffe.add(spiffeId(mesh, service));
            t.forEach((k, v) -> tags.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
        }
        List<String> uris = new ArrayList<>();
        spiffe.forEach(uris::add);
        tags.forEach((k, values) -> values.forEach(v -> uris.add("kuma://" + k + "/" + v)));
        return uris;
    }
}
