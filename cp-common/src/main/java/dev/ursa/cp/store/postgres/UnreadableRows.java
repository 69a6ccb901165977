package dev.ursa.cp.store.postgres;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.StoreException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rows of {@code ursa_resource} this instance found it cannot decode, as of its last read of each. Every one is
 * logged once per row version (a WARN naming it and the decode error; listings read it again and again) and counted
 * per type in the gauge {@value #GAUGE}, which drops back when a read finds the row readable or gone, or a write
 * replaces it. A gauge rather than a counter: an operator needs to know whether bad rows are there now, and alert on
 * {@code > 0}; a counter of sightings would grow with list traffic and never say the fault is repaired.
 */
final class UnreadableRows {
    static final String GAUGE = "ursa_store_unreadable_rows";
    private static final Logger LOG = Logger.getLogger(PostgresStore.class);

    /** One stored version of a row: a delete and re-create restarts the version, not the modification time. */
    private record RowVersion(long version, Instant modified) {
        static RowVersion of(Meta meta) {
            return new RowVersion(meta.version(), meta.modificationTime());
        }
    }

    private final Map<ResourceKey, RowVersion> current = new ConcurrentHashMap<>();
    /** Not cleared when a row reads fine again: a listing read before a repair must not log that version twice. */
    private final Map<ResourceKey, RowVersion> logged = new ConcurrentHashMap<>();

    UnreadableRows(MeterRegistry meters) {
        // Every type from the start, at 0: an alert on "> 0" needs the series to exist before the first fault.
        for (ResourceType type : ResourceTypes.all()) {
            Gauge.builder(GAUGE, this, rows -> rows.count(type.name()))
                    .tag("type", type.name())
                    .description("rows of this type stored in Postgres that this control plane cannot decode; left out of listings, see the WARN log")
                    .register(meters);
        }
    }

    /** A read found {@code key}'s row undecodable; logs it unless this version of the row was logged already. */
    void found(ResourceKey key, Meta stored, RuntimeException error) {
        RowVersion version = RowVersion.of(stored);
        current.put(key, version);
        if (version.equals(logged.put(key, version))) return;
        LOG.warnf("%s is stored (version %d, modified %s) but cannot be decoded: %s. Listings leave it out and reading it "
                        + "answers \"Stored resource unreadable\" until a write of a valid document replaces it or it is deleted",
                StoreException.describe(key), stored.version(), stored.modificationTime(), error.getMessage());
    }

    /** A read decoded {@code key}'s row, or a write replaced it. */
    void readable(ResourceKey key) {
        if (!current.isEmpty()) current.remove(key);
    }

    /** {@code key} has no row any more. */
    void gone(ResourceKey key) {
        current.remove(key);
        logged.remove(key);
    }

    /** A mesh was deleted, and everything in it. */
    void meshGone(String mesh) {
        current.keySet().removeIf(k -> k.mesh().equals(mesh));
        logged.keySet().removeIf(k -> k.mesh().equals(mesh));
    }

    /**
     * A complete listing of {@code query}'s scope held exactly {@code listed}: rows remembered in that scope but not
     * listed were deleted (perhaps by hand, without a change event). A label filter hides rows, so it proves nothing.
     */
    void reconcile(ListQuery query, Collection<ResourceKey> listed) {
        if (current.isEmpty() || !query.labels().isEmpty()) return;
        Set<ResourceKey> present = new HashSet<>(listed);
        current.keySet().removeIf(k -> k.type().equals(query.type().name())
                && (query.mesh() == null || query.mesh().equals(k.mesh()))
                && !present.contains(k));
    }

    long count(String type) {
        return current.keySet().stream().filter(k -> k.type().equals(type)).count();
    }
}
