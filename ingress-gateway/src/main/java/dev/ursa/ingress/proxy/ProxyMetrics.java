package dev.ursa.ingress.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingress's Micrometer meters: {@code ursa_ingress_connections_active}, per (mesh, service)
 * {@code ursa_ingress_connections_total}, {@code ursa_ingress_bytes_total{direction=in|out}} (in = client to service),
 * {@code ursa_ingress_upstream_failures_total}, and {@code ursa_ingress_refused_total{reason}}.
 */
public final class ProxyMetrics {
    private final MeterRegistry registry;
    private final AtomicLong active = new AtomicLong();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, ServiceMeters> services = new ConcurrentHashMap<>();

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("ursa_ingress_connections_active", active, AtomicLong::get);
    }

    public record ServiceMeters(Counter connections, Counter bytesIn, Counter bytesOut, Counter upstreamFailures) {
    }

    public ServiceMeters service(String mesh, String service) {
        return services.computeIfAbsent(mesh + "/" + service, k -> new ServiceMeters(
                Counter.builder("ursa_ingress_connections_total").tag("mesh", mesh).tag("service", service)
                        .description("connections routed to the service").register(registry),
                Counter.builder("ursa_ingress_bytes_total").tag("mesh", mesh).tag("service", service).tag("direction", "in")
                        .description("bytes relayed (in: client to service, out: service to client)").register(registry),
                Counter.builder("ursa_ingress_bytes_total").tag("mesh", mesh).tag("service", service).tag("direction", "out")
                        .description("bytes relayed (in: client to service, out: service to client)").register(registry),
                Counter.builder("ursa_ingress_upstream_failures_total").tag("mesh", mesh).tag("service", service)
                        .description("upstream connect attempts that failed").register(registry)));
    }

    public void refused(String reason) {
        refused.computeIfAbsent(reason, r -> Counter.builder("ursa_ingress_refused_total").tag("reason", r)
                .description("connections refused before routing").register(registry)).increment();
    }

    public double refusedCount(String reason) {
        Counter c = refused.get(reason);
        return c == null ? 0 : c.count();
    }

    void opened() {
        active.incrementAndGet();
    }

    void closed() {
        active.decrementAndGet();
    }

    public long active() {
        return active.get();
    }
}
