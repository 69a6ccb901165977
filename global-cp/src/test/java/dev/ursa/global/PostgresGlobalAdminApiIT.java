package dev.ursa.global;

import dev.ursa.global.store.PostgresTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The same admin API contract as {@link GlobalAdminApiTest}, on the Postgres store (real server). */
@QuarkusTest
@TestProfile(PostgresTestProfile.class)
class PostgresGlobalAdminApiIT extends GlobalAdminApiTest {
}
