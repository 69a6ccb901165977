package dev.ursa.ingress.route;

/** One local endpoint of a service: an inbound's address and port, with its weight from the zone CP. */
public record Upstream(String host, int port, int weight) {
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
