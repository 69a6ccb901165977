package dev.ursa.cp.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Postgres server tests use: the one named by {@code URSA_TEST_PG_URL} (default
 * {@code postgresql://127.0.0.1:5432/test}, user postgres, trust auth); when it does not answer and a Docker engine
 * exists, a Testcontainers Postgres started once per JVM; when neither, a clear failure — never a silent skip.
 */
public record TestPostgres(String host, int port, String database, String user, String password) {
    public static final String URL_ENV = "URSA_TEST_PG_URL";
    private static TestPostgres instance;

    public static synchronized TestPostgres get() {
        if (instance == null) instance = locate();
        return instance;
    }

    private static TestPostgres locate() {
        String configured = System.getenv(URL_ENV);
        URI uri = URI.create(configured == null || configured.isBlank() ? "postgresql://127.0.0.1:5432/test" : configured);
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "test" : uri.getPath().substring(1);
        String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":", 2)[0];
        String password = uri.getUserInfo() != null && uri.getUserInfo().contains(":") ? uri.getUserInfo().split(":", 2)[1] : "";
        if (answers(host, port)) {
            return new TestPostgres(host, port, db, user, password);
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
            container.start(); // stopped by Testcontainers' reaper when the JVM exits
            return new TestPostgres(container.getHost(), container.getMappedPort(5432), container.getDatabaseName(),
                    container.getUsername(), container.getPassword());
        }
        throw new IllegalStateException("No Postgres for the tests: " + host + ":" + port + " (" + URL_ENV + "="
                + (configured == null ? "unset" : configured) + ") does not answer and no Docker engine is available. "
                + "Start Postgres (user postgres, trust auth, database test) or point " + URL_ENV + " at one.");
    }

    private static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** {@code postgresql://host:port/db}, as {@code quarkus.datasource.reactive.url} wants it. */
    public String reactiveUrl() {
        return reactiveUrl(database);
    }

    public String reactiveUrl(String db) {
        return "postgresql://" + host + ":" + port + "/" + db;
    }

    public String jdbcUrl(String db) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }

    /**
     * The config that points a control plane at {@code db} on this server, secrets encrypted with {@link #secretsKeyFile()}
     * (the integration tests run the apps in production mode, which refuses Postgres without a key).
     */
    public Map<String, String> storeConfig(String db) {
        return Map.of(
                "ursa.store.type", "postgres",
                "quarkus.datasource.reactive.url", reactiveUrl(db),
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password,
                "ursa.secrets.encryption-key-file", secretsKeyFile().toString());
    }

    /**
     * The tests' key for secrets at rest: one fixed, test-only key, so rows written by one test JVM (the shared test
     * database outlives it) are readable by the next. Written to a temporary file once per JVM.
     */
    public static synchronized Path secretsKeyFile() {
        if (keyFile == null) {
            try {
                Path file = Files.createTempFile("ursa-test-secrets-", ".key");
                file.toFile().deleteOnExit();
                Files.writeString(file, TEST_SECRETS_KEY + "\n");
                keyFile = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return keyFile;
    }

    /** Test only, never a real deployment's: 32 bytes, base64. */
    public static final String TEST_SECRETS_KEY = "dXJzYS10ZXN0LW9ubHktc2VjcmV0cy1rZXktMzJieXQ=";
    private static Path keyFile;
}
