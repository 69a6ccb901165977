package dev.ursa.ingress;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** {@code ursa.ingress.*}: who the ingress is, where its zone CP is, where it listens. */
@ConfigMapping(prefix = "ursa.ingress")
public interface IngressConfig {
    /** The ZoneIngress name in its zone (xDS node id {@code ingress/<name>}); unique per zone. */
    @WithDefault("ingress")
    String name();

    /** {@code grpc://host:port} (or {@code grpcs://}) of the zone CP's xDS port. */
    @WithDefault("grpc://127.0.0.1:5678")
    String zoneCpAddress();

    /**
     * The zone token (scope {@code ingress}) this ingress presents to its zone CP as {@code authorization: Bearer}; mint it
     * with {@code POST /tokens/zone {"zone":"<zone>","scope":["ingress"]}} at the global (or at the zone CP). Prefer
     * {@link #tokenFile()}: a value here is visible in the process's command line or environment.
     */
    Optional<String> token();

    /** A file holding the ingress token, read at every (re)connect so a replaced token is picked up without a restart. */
    Optional<String> tokenFile();

    /** Where cross-zone traffic arrives (TLS SNI or h2c). */
    @WithDefault("10001")
    int port();

    /** Listen address. */
    @WithDefault("0.0.0.0")
    String address();

    /**
     * The address other zones dial (behind NAT or a load balancer). Absent: the ingress registers its own address
     * (the listen address, or this host's address when listening on all interfaces) and port.
     */
    Optional<String> advertisedAddress();

    /** The port other zones dial; defaults to {@link #port()} when an advertised address is set. */
    Optional<Integer> advertisedPort();

    /** A connection must name its service (ClientHello / first h2 HEADERS) within this. */
    @WithDefault("10s")
    Duration routingTimeout();

    /** A routed connection with no bytes either way for this long is closed. */
    @WithDefault("10m")
    Duration idleTimeout();

    /** Per upstream connect attempt. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** How long an endpoint that refused a connection is tried last. */
    @WithDefault("10s")
    Duration ejection();

    /** The most bytes buffered per connection before its route is known. */
    @WithDefault("65536")
    int maxPreambleBytes();

    /** Proxy event-loop threads; 0 = number of cores (at least 2). */
    @WithDefault("0")
    int ioThreads();

    /** Reconnect backoff to the zone CP: first delay, doubled (with jitter) up to the max. */
    @WithDefault("100ms")
    Duration backoffMin();

    @WithDefault("5s")
    Duration backoffMax();
}
