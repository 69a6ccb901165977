package dev.ursa.cp.store;

import dev.ursa.cp.store.postgres.PostgresStore;
import dev.ursa.mesh.store.ResourceStore;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ready = the store answers: always for memory; for Postgres a {@code SELECT 1} within two seconds. A failing check
 * answers a fixed text: the driver's error (host names, addresses) goes to the log, once per outage, not into the body.
 */
@Readiness
@ApplicationScoped
public class StoreReadinessCheck implements AsyncHealthCheck {
    static final String NAME = "store";
    static final String DOWN = "the store does not answer; the cause is in the control plane's log";
    private static final Logger LOG = Logger.getLogger(StoreReadinessCheck.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Probes run every few seconds: log a change of state, not every failed probe. */
    private final AtomicBoolean down = new AtomicBoolean();

    private final ResourceStore store;
    private final StoreConfig config;

    public StoreReadinessCheck(ResourceStore store, StoreConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        var response = HealthCheckResponse.named(NAME).withData("type", config.type().configValue());
        if (!(StoreProducer.unwrap(store) instanceof PostgresStore postgres)) {
            return Uni.createFrom().item(response.up().build());
        }
        return Uni.createFrom().completionStage(() -> postgres.ping(TIMEOUT))
                .map(ok -> {
                    if (down.compareAndSet(true, false)) LOG.info("store readiness: the store answers again");
                    return response.up().build();
                })
                .onFailure().recoverWithItem(e -> {
                    if (down.compareAndSet(false, true)) LOG.warnf(e, "store readiness: DOWN, %s", e.getMessage());
                    else LOG.debugf("store readiness: still DOWN, %s", e.getMessage());
                    return response.down().withData("error", DOWN).build();
                });
    }
}
