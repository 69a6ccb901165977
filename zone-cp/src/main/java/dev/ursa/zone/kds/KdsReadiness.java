package dev.ursa.zone.kds;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: a federated zone is ready once it has the global's state (synced once, restored, or on
 * Postgres). Every replica serves xDS, so readiness does not depend on which one holds the KDS streams
 * ({@code holdsStreams}: the leader).
 */
@Readiness
@ApplicationScoped
public class KdsReadiness implements HealthCheck {
    private final KdsClientService kds;

    public KdsReadiness(KdsClientService kds) {
        this.kds = kds;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("kds").status(kds.ready()).withData("connected", kds.connected())
                .withData("holdsStreams", kds.holdsStreams());
        kds.lastFailure().ifPresent(f -> response.withData("lastFailure", f));
        return response.build();
    }
}
