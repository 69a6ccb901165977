package dev.ursa.it;

import dev.ursa.cp.testing.TestPostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh database on the test Postgres server ({@link TestPostgres}: {@code URSA_TEST_PG_URL}, default
 * {@code postgresql://127.0.0.1:5432/test}), dropped on close. Fails loudly when no server answers.
 */
public final class TestDatabase implements AutoCloseable {
    private final TestPostgres server;
    private final String name;

    private TestDatabase(TestPostgres server, String name) {
        this.server = server;
        this.name = name;
    }

    public static TestDatabase create() {
        TestPostgres server = TestPostgres.get();
        String name = "ursa_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(server.database()), server.user(), server.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Postgres at " + server.host() + ":" + server.port() + " is not usable: " + e.getMessage()
                    + ". Start it or point " + TestPostgres.URL_ENV + " at one.", e);
        }
        return new TestDatabase(server, name);
    }

    /** The -D options that point a control plane at this database. */
    public Map<String, String> storeProps() {
        return server.storeConfig(name);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(name), server.user(), server.password());
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(server.database()), server.user(), server.password());
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop test database " + name + ": " + e.getMessage());
        }
    }
}
