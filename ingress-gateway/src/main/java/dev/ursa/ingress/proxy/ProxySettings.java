package dev.ursa.ingress.proxy;

import java.time.Duration;

/**
 * How the proxy listens and protects itself (plain values, so it runs without CDI in tests and benchmarks).
 *
 * @param routingTimeout  a connection must name its service (complete ClientHello / h2 preface + first HEADERS) within this
 * @param idleTimeout     a routed connection with no bytes either way for this long is closed
 * @param connectTimeout  per upstream connect attempt
 * @param ejection        how long an upstream that refused a connection is tried last
 * @param maxPreambleBytes the most bytes buffered before the route is known (ClientHello, h2 preface and first headers)
 */
public record ProxySettings(String bindAddress, int port, Duration routingTimeout, Duration idleTimeout, Duration connectTimeout,
                            Duration ejection, int maxPreambleBytes, int ioThreads) {
    public static ProxySettings defaults(int port) {
        return new ProxySettings("0.0.0.0", port, Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofSeconds(2),
                Duration.ofSeconds(10), 64 * 1024, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    public ProxySettings withTimeouts(Duration routing, Duration idle) {
        return new ProxySettings(bindAddress, port, routing, idle, connectTimeout, ejection, maxPreambleBytes, ioThreads);
    }
}
