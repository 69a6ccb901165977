package dev.ursa.zone;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import java.util.Map;

/** Every writable type round-trips on a standalone zone backed by the real Postgres server too. */
@QuarkusTest
@TestProfile(PostgresStandaloneZoneAdminApiTest.Postgres.class)
class PostgresStandaloneZoneAdminApiTest extends StandaloneZoneAdminApiTest {
    public static class Postgres implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String url = System.getenv("URSA_TEST_PG_URL");
            return Map.of("ursa.store.type", "postgres",
                    "quarkus.datasource.reactive.url", url == null || url.isBlank() ? "postgresql://127.0.0.1:5432/test" : url);
        }
    }
}
