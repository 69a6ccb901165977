package dev.ursa.cp.store;

import dev.ursa.cp.store.postgres.PostgresStore;
import dev.ursa.mesh.store.ResourceStore;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/** Ready = the store answers: always for memory; for Postgres a {@code SELECT 1} within two seconds. */
@Readiness
@ApplicationScoped
public class StoreReadinessCheck implements AsyncHealthCheck {
    static final String NAME = "store";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final ResourceStore store;
    private final StoreConfig config;

    public StoreReadinessCheck(ResourceStore store, StoreConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        var response = HealthCheckResponse.named(NAME).withData("type", config.type().name());
        if (!(StoreProducer.unwrap(store) instanceof PostgresStore postgres)) {
            return Uni.createFrom().item(response.up().build());
        }
        return Uni.createFrom().completionStage(() -> postgres.ping(TIMEOUT))
                .map(ok -> response.up().build())
                .onFailure().recoverWithItem(e -> response.down().withData("error", String.valueOf(e.getMessage())).build());
    }
}
