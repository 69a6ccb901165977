package dev.ursa.cp.mtls;

/**
 * Loads the bytes of a {@link DataSource} of a mesh, as Kuma's {@code datasource.Loader}. Implementations are
 * immutable snapshots (the Secrets a write refers to are read before validation), so validation stays synchronous.
 */
@FunctionalInterface
public interface DataSourceLoader {
    /** @throws LoadException with Kuma's cause text ({@code could not load data: ...}) */
    byte[] load(String mesh, DataSource source) throws LoadException;

    /** Why a data source could not be loaded, in Kuma's words. */
    final class LoadException extends Exception {
        public LoadException(String message) {
            super(message);
        }
    }
}
