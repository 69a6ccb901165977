package dev.ursa.global.store;

import dev.ursa.cp.testing.TestPostgres;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * {@code ursa.store.type=postgres} against the real Postgres of the test environment ({@link TestPostgres}: {@code
 * URSA_TEST_PG_URL}, default {@code postgresql://127.0.0.1:5432/test}). Everything else comes from cp-common's
 * {@code META-INF/microprofile-config.properties}.
 */
public class PostgresTestProfile implements QuarkusTestProfile {
    static final String URL_ENV = TestPostgres.URL_ENV;

    static String url() {
        return TestPostgres.get().reactiveUrl();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        TestPostgres pg = TestPostgres.get();
        return pg.storeConfig(pg.database());
    }
}
