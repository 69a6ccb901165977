package dev.ursa.zone.xds.render;

import java.util.Collections;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * An outbound cluster: a service, or the subset of its endpoints carrying {@code tags} (a MeshHTTPRoute backend such
 * as {@code MeshServiceSubset backend {version: v2}}).
 */
public record ClusterRef(String service, Map<String, String> tags) {
    public ClusterRef {
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    public static ClusterRef of(String service) {
        return new ClusterRef(service, Map.of());
    }

    /** {@code backend}, or {@code backend_version=v2} for a subset: also the EDS resource name. */
    public String name() {
        if (tags.isEmpty()) return service;
        StringJoiner j = new StringJoiner("_", service + "_", "");
        tags.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
