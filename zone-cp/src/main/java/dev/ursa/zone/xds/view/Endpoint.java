package dev.ursa.zone.xds.view;

import java.util.Map;

/**
 * One address a client may send traffic for a service to: a local dataplane inbound, or (later) another zone's
 * ingress standing for that zone's instances.
 *
 * @param weight relative share within its locality (1 for a local instance; a zone ingress carries its instance count)
 */
public record Endpoint(String address, int port, Map<String, String> tags, int weight) {
    public Endpoint {
        tags = Map.copyOf(tags);
        if (weight < 1) throw new IllegalArgumentException("endpoint weight must be >= 1");
    }
}
