package dev.ursa.global.store;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * {@code ursa.store.type=postgres} against the real Postgres of the test environment: {@code URSA_TEST_PG_URL}
 * (default {@code postgresql://127.0.0.1:5432/test}, user postgres, trust auth). Everything else comes from cp-common's
 * {@code META-INF/microprofile-config.properties}.
 */
public class PostgresTestProfile implements QuarkusTestProfile {
    static final String URL_ENV = "URSA_TEST_PG_URL";

    static String url() {
        String url = System.getenv(URL_ENV);
        return url == null || url.isBlank() ? "postgresql://127.0.0.1:5432/test" : url;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "ursa.store.type", "postgres",
                "quarkus.datasource.reactive.url", url());
    }
}
