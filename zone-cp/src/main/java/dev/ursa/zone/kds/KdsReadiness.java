package dev.ursa.zone.kds;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code /q/health/ready}: a federated zone is ready once it has the global's state (synced once, or restored). */
@Readiness
@ApplicationScoped
public class KdsReadiness implements HealthCheck {
    private final KdsClientService kds;

    public KdsReadiness(KdsClientService kds) {
        this.kds = kds;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("kds").status(kds.ready()).withData("connected", kds.connected());
        kds.lastFailure().ifPresent(f -> response.withData("lastFailure", f));
        return response.build();
    }
}
