package dev.ursa.global.store;

import io.vertx.mutiny.sqlclient.Pool;

import java.time.Duration;

/** Fails a test with a clear message when the test Postgres does not answer (never a silent skip). */
final class PostgresDatabase {
    private PostgresDatabase() {
    }

    static void requireReachable(Pool pool) {
        try {
            pool.query("select 1").execute().await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            throw new AssertionError("Postgres at " + PostgresTestProfile.url() + " does not answer (set "
                    + PostgresTestProfile.URL_ENV + " to a reachable database; user postgres, trust auth): " + e.getMessage(), e);
        }
    }
}
