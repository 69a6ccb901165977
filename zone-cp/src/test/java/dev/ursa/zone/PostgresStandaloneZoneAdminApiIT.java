package dev.ursa.zone;

import dev.ursa.cp.testing.TestPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import java.util.Map;

/** Every writable type round-trips on a standalone zone backed by the real Postgres server too. */
@QuarkusTest
@TestProfile(PostgresStandaloneZoneAdminApiIT.Postgres.class)
class PostgresStandaloneZoneAdminApiIT extends StandaloneZoneAdminApiTest {
    public static class Postgres implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            TestPostgres pg = TestPostgres.get();
            return pg.storeConfig(pg.database());
        }
    }
}
