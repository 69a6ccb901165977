package dev.ursa.global.kds;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code /q/health/ready}: the global is ready once its KDS port is open (the index is loaded from the store). */
@Readiness
@ApplicationScoped
public class KdsReadiness implements HealthCheck {
    private final KdsServer kds;

    public KdsReadiness(KdsServer kds) {
        this.kds = kds;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kds").status(kds.running()).withData("streams", kds.openStreams().size()).build();
    }
}
