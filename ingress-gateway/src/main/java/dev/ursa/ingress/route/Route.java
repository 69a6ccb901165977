package dev.ursa.ingress.route;

import java.util.List;

/**
 * Where connections for one (mesh, service) go.
 *
 * @param name the cluster name the zone CP gave it (its SNI)
 */
public record Route(String name, String mesh, String service, List<Upstream> upstreams) {
    public Route {
        upstreams = List.copyOf(upstreams);
    }
}
