package dev.ursa.zone.xds.view;

/**
 * A destination the dataplane sends traffic to.
 *
 * @param address where an Envoy sidecar listens for it (null for proxyless clients, which have no listener port)
 * @param port    the sidecar's outbound port (0 for proxyless clients)
 * @param protocol the destination's {@code kuma.io/protocol} ("tcp", "http", "http2", "grpc")
 */
public record OutboundView(String service, String address, int port, String protocol) {
    public boolean http() {
        return !protocol.equals("tcp");
    }
}
