package dev.ursa.it;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh database on the real Postgres server named by {@code URSA_TEST_PG_URL}
 * (default {@code postgresql://127.0.0.1:5432/test}), dropped on close. Fails loudly when no server answers.
 */
public final class TestDatabase implements AutoCloseable {
    private final String host;
    private final int port;
    private final String user;
    private final String name;

    private TestDatabase(String host, int port, String user, String name) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.name = name;
    }

    public static TestDatabase create() {
        String url = System.getenv().getOrDefault("URSA_TEST_PG_URL", "postgresql://127.0.0.1:5432/test");
        URI u = URI.create(url);
        String host = u.getHost() == null ? "127.0.0.1" : u.getHost();
        int port = u.getPort() < 0 ? 5432 : u.getPort();
        String user = u.getUserInfo() != null ? u.getUserInfo().split(":")[0] : "postgres";
        String name = "ursa_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Postgres at " + host + ":" + port + " (URSA_TEST_PG_URL=" + url
                    + ") is not usable: " + e.getMessage() + ". Start it or point URSA_TEST_PG_URL at one.", e);
        }
        return new TestDatabase(host, port, user, name);
    }

    /** The -D options that point a control plane at this database. */
    public Map<String, String> storeProps() {
        return Map.of(
                "ursa.store.type", "postgres",
                "quarkus.datasource.reactive.url", "postgresql://" + host + ":" + port + "/" + name,
                "quarkus.datasource.username", user);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + name, user, "");
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop test database " + name + ": " + e.getMessage());
        }
    }
}
