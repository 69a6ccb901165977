package dev.ursa.global.events;

import dev.ursa.cp.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A database of its own on the test Postgres server, created for one Quarkus test and dropped after it: the shared
 * {@code test} database is used (and wiped) by other test runs on the same server.
 */
public class FreshDatabaseResource implements QuarkusTestResourceLifecycleManager {
    private final TestPostgres pg = TestPostgres.get();
    private final String name = "ursa_events_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @Override
    public Map<String, String> start() {
        admin("CREATE DATABASE " + name);
        return pg.storeConfig(name);
    }

    @Override
    public void stop() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void admin(String sql) {
        Vertx vertx = Vertx.vertx();
        try {
            PgConnectOptions options = new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
                    .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password());
            PgConnection.connect(vertx, options)
                    .compose(c -> c.query(sql).execute().eventually(() -> c.close()))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot run '" + sql + "' on the test Postgres", e);
        } finally {
            vertx.close();
        }
    }
}
