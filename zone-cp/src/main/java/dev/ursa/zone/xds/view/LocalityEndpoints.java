package dev.ursa.zone.xds.view;

import java.util.List;

/**
 * The endpoints of one service in one locality (a zone), at one EDS priority (0 = preferred). The locality weight is
 * the sum of its endpoints' weights, so a zone with more instances gets proportionally more traffic.
 */
public record LocalityEndpoints(String zone, int priority, List<Endpoint> endpoints) {
    public LocalityEndpoints {
        endpoints = List.copyOf(endpoints);
        if (priority < 0) throw new IllegalArgumentException("priority must be >= 0");
    }

    public int weight() {
        return Endpoint.sumWeights(endpoints);
    }
}
