package dev.ursa.ingress;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code /q/health/ready}: up once the zone CP has sent a routing table. */
@Readiness
@ApplicationScoped
public class ConfigReadiness implements HealthCheck {
    private final IngressRuntime runtime;

    public ConfigReadiness(IngressRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("zone-cp-config").status(runtime.hasConfig())
                .withData("version", runtime.table().version()).withData("services", runtime.table().bySni().size()).build();
    }
}
