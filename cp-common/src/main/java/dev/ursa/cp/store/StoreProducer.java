package dev.ursa.cp.store;

import dev.ursa.cp.secrets.SecretsAtRest;
import dev.ursa.cp.secrets.SecretsConfig;
import dev.ursa.cp.store.postgres.PgChangeFeed;
import dev.ursa.cp.store.postgres.PostgresStore;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ResourceStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.Config;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * The one {@link ResourceStore} of a control plane, chosen by {@code ursa.store.type}.
 * <p>
 * The Hibernate session factory is looked up lazily through {@link Instance}: with {@code memory} the datasource and
 * Hibernate are inactive (see {@link StoreActivation}) and a static injection point would fail the start.
 */
@ApplicationScoped
public class StoreProducer {
    private static final Logger LOG = Logger.getLogger(StoreProducer.class);
    private static final String VERTX_URL_PREFIX = "vertx-reactive:";

    @Produces
    @ApplicationScoped
    @Startup
    ResourceStore store(StoreConfig config, SecretsConfig secretsConfig, Instance<Mutiny.SessionFactory> sessions, Vertx vertx,
                        Config all, MeterRegistry meters) {
        return switch (config.type()) {
            case MEMORY -> {
                LOG.info("store: in memory (ursa.store.type=memory); nothing survives a restart");
                yield new InMemoryStore();
            }
            case POSTGRES -> {
                // Refuses to start in production without the key (or the lab switch): secrets would sit in plaintext.
                SecretsAtRest secrets = SecretsAtRest.fromConfig(secretsConfig, LaunchMode.current() == LaunchMode.NORMAL);
                PgConnectOptions listen = listenOptions(all);
                LOG.infof("store: Postgres at %s:%d/%s (sslmode %s)", listen.getHost(), listen.getPort(), listen.getDatabase(),
                        listen.getSslMode().value);
                yield new PostgresStore(sessions.get(), vertx, new PgChangeFeed(vertx, listen), Clock.systemUTC(), meters, secrets).start();
            }
        };
    }

    void close(@Disposes ResourceStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) closeable.close();
    }

    /** The concrete store behind the injected client proxy (for readiness and tests). */
    public static ResourceStore unwrap(ResourceStore injected) {
        return ClientProxy.unwrap(injected);
    }

    /**
     * The LISTEN connection uses the datasource's own settings, TLS included ({@link DatasourceTls}), on a connection of
     * its own (not from the pool).
     */
    public static PgConnectOptions listenOptions(Config config) {
        String url = config.getOptionalValue("quarkus.datasource.reactive.url", String.class)
                .orElseThrow(() -> new IllegalStateException("ursa.store.type=postgres needs quarkus.datasource.reactive.url"));
        if (url.startsWith(VERTX_URL_PREFIX)) url = url.substring(VERTX_URL_PREFIX.length());
        // Quarkus accepts a comma-separated list of hosts; the listener follows the first one.
        int comma = url.indexOf(',');
        if (comma > 0) url = url.substring(0, comma);
        PgConnectOptions options = PgConnectOptions.fromUri(url);
        config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(options::setUser);
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(options::setPassword);
        return DatasourceTls.apply(config, options);
    }
}
