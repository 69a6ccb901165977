package dev.ursa.zone.xds.view;

import java.util.Collection;
import java.util.Map;

/**
 * One address a client may send traffic for a service to: a local dataplane inbound, or another zone's ingress
 * standing for that zone's instances of the service.
 *
 * @param weight    relative share within its locality (1 for a local instance; a zone ingress carries its instance count)
 * @param healthy   false for a local inbound that is not ready: Envoy gets it as UNHEALTHY (so its overprovisioning
 *                  rule sees the lost capacity), proxyless clients do not get it at all
 * @param crossZone true for another zone's ingress: Envoy reaches it over TLS with the service's cross-zone SNI
 */
public record Endpoint(String address, int port, Map<String, String> tags, int weight, boolean healthy, boolean crossZone) {
    public Endpoint {
        tags = Map.copyOf(tags);
        if (weight < 1) throw new IllegalArgumentException("endpoint weight must be >= 1");
    }

    /** Weights add up saturating: Envoy caps a locality's weight sum at uint32, and a wrapped int would be negative. */
    public static int addWeights(long a, long b) {
        return (int) Math.min(Integer.MAX_VALUE, a + b);
    }

    public static int sumWeights(Collection<Endpoint> endpoints) {
        long sum = 0;
        for (Endpoint e : endpoints) sum += e.weight();
        return (int) Math.min(Integer.MAX_VALUE, sum);
    }

    /** A healthy local endpoint. */
    public Endpoint(String address, int port, Map<String, String> tags, int weight) {
        this(address, port, tags, weight, true, false);
    }
}
