package dev.ursa.cp.leader;

import dev.ursa.cp.store.StoreConfig;
import dev.ursa.cp.store.StoreProducer;
import dev.ursa.cp.store.postgres.PostgresLeadership;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The one {@link Leadership} of a control plane, following {@code ursa.store.type}: an election on Postgres, or the
 * sole replica of the in-memory store. Metrics: {@code ursa_leader} (1 while this replica leads) and
 * {@code ursa_leader_term}.
 */
@ApplicationScoped
public class LeadershipProducer {
    private static final Logger LOG = Logger.getLogger(LeadershipProducer.class);

    @Produces
    @ApplicationScoped
    @Startup
    Leadership leadership(StoreConfig store, LeaderConfig config, Vertx vertx, Config all, MeterRegistry meters) {
        Leadership leadership = switch (store.type()) {
            case MEMORY -> new SoleLeadership();
            case POSTGRES -> new PostgresLeadership(vertx, StoreProducer.listenOptions(all), Replicas.newInstanceId(),
                    config.leaseDuration(), config.renewInterval()).start();
        };
        LOG.infof("replica %s: %s", leadership.instanceId(), leadership instanceof SoleLeadership
                ? "the only replica (memory store), always the leader"
                : "elects its leader on Postgres (lease " + config.leaseDuration() + ", renewed every " + config.renewInterval() + ")");
        Gauge.builder("ursa.leader", leadership, l -> l.isLeader() ? 1 : 0)
                .description("1 while this replica is the leader that runs the singleton work, else 0").register(meters);
        Gauge.builder("ursa.leader.term", leadership, l -> l.state().term())
                .description("the term (fencing token) of this replica's lease while it leads, else 0").register(meters);
        return leadership;
    }

    void close(@Disposes Leadership leadership) throws Exception {
        if (leadership instanceof AutoCloseable closeable) closeable.close();
    }
}
