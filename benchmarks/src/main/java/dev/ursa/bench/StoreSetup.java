package dev.ursa.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/** The store a global-cp runs on, as the {@code -D} options that select it; closing it removes what it created. */
public sealed interface StoreSetup extends AutoCloseable {

    StoreKind kind();

    Map<String, String> props();

    /**
     * Fails when the global-cp evidently did not keep its data in this store (e.g. a build whose
     * {@code ursa.store.type=postgres} still falls back to memory), so no figure is reported under the wrong name.
     */
    void checkInUse();

    @Override
    void close();

    static StoreSetup create(StoreKind kind, BenchConfig config) {
        return switch (kind) {
            case memory -> new Memory();
            case postgres -> FreshPostgresDatabase.create(config.pgHost(), config.pgPort(), config.pgUser());
        };
    }

    record Memory() implements StoreSetup {
        @Override
        public StoreKind kind() {
            return StoreKind.memory;
        }

        @Override
        public Map<String, String> props() {
            return Map.of("ursa.store.type", "memory");
        }

        @Override
        public void checkInUse() {
            // nothing outside the process to look at
        }

        @Override
        public void close() {
        }
    }

    /** A database created for one measurement and dropped after it, so every run starts from empty tables. */
    record FreshPostgresDatabase(String host, int port, String user, String database) implements StoreSetup {

        static FreshPostgresDatabase create(String host, int port, String user) {
            String name = "ursa_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            var db = new FreshPostgresDatabase(host, port, user, name);
            db.adminExecute("CREATE DATABASE " + name);
            return db;
        }

        @Override
        public StoreKind kind() {
            return StoreKind.postgres;
        }

        @Override
        public Map<String, String> props() {
            // A throwaway database: the lab switch (secrets at rest unencrypted) instead of a key file; the measured paths
            // never read a secret.
            return Map.of(
                    "ursa.store.type", "postgres",
                    "quarkus.datasource.reactive.url", "postgresql://" + host + ":" + port + "/" + database,
                    "quarkus.datasource.username", user,
                    "ursa.secrets.allow-plaintext", "true");
        }

        @Override
        public void checkInUse() {
            String sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')";
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, user, "");
                 Statement s = c.createStatement();
                 var rs = s.executeQuery(sql)) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw new IllegalStateException("the global-cp created no table in database " + database
                            + ": this build does not use Postgres for ursa.store.type=postgres (no Postgres store yet?)");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot inspect database " + database + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            adminExecute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }

        private void adminExecute(String sql) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, "");
                 Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("Postgres at " + host + ":" + port + " (user " + user + ") refused `" + sql + "`: "
                        + e.getMessage() + ". Start it, or pass -Dbench.pgHost/pgPort/pgUser, or -Dbench.stores=memory.", e);
            }
        }
    }
}
