package dev.ursa.global.store;

import dev.ursa.cp.store.StoreProducer;
import dev.ursa.cp.store.postgres.PostgresStore;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreContract;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on the real Postgres, through the store the app itself gets injected. */
@QuarkusTest
@TestProfile(PostgresTestProfile.class)
class PostgresStoreIT extends StoreContract {
    @Inject
    ResourceStore injected;

    @Inject
    Pool pool;

    @Inject
    Config config;

    @Override
    protected ResourceStore store() {
        return StoreProducer.unwrap(injected);
    }

    @Override
    protected void reset() {
        PostgresDatabase.requireReachable(pool);
        PostgresStore postgres = (PostgresStore) store();
        await(postgres.ready());
        pool.query("truncate ursa_resource").execute().await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void theAppGetsThePostgresStoreAndCpCommonLibraryConfig() {
        assertThat(store()).isInstanceOf(PostgresStore.class);
        assertThat(config.getValue("quarkus.datasource.active", Boolean.class)).isTrue();
        var strategy = config.getConfigValue("quarkus.hibernate-orm.schema-management.strategy");
        assertThat(strategy.getValue()).isEqualTo("none");
        assertThat(strategy.getSourceName()).contains("microprofile-config.properties");
    }
}
