package dev.ursa.cp.store.postgres;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.Instant;

/**
 * One row of {@code ursa_resource}: every resource of every type. The table is created by {@link Schema}, not by
 * Hibernate, so the column definitions here only need to match it.
 * <p>
 * {@code version} is our own optimistic-concurrency counter, checked under a row lock ({@code SELECT ... FOR UPDATE})
 * rather than with {@code @Version}: the store must report the stored version in a Conflict, and a no-op write must not
 * bump it.
 * <p>
 * {@code spec} and {@code labels} are jsonb in the table and JSON text here, read with a cast to text: every row loads
 * whatever JSON value a column holds (an array, a string, null after a hand edit), so that only decoding it, row by
 * row, can fail ({@link PostgresStore} contains that). Native queries select {@link #COLUMNS} for the same reason.
 * Written as text cast to jsonb: a parameter the server infers as jsonb would be sent by the Vert.x client as a JSON
 * string.
 */
@Entity
@Table(name = Schema.TABLE)
public class ResourceRow extends PanacheEntityBase {
    /** What a native query selects to load rows: the jsonb columns as text, as the mapping reads them. */
    static final String COLUMNS = "id, type, mesh, name, version, cast(spec as text) as spec, cast(labels as text) as labels, "
            + "creation_time, modification_time";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String type;

    /** Empty for global-scoped types, so that (type, mesh, name) is unique without NULL semantics. */
    @Column(nullable = false)
    public String mesh;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public long version;

    /** {@code ResourceCodec.specToJson(spec)}, as JSON text. */
    @Column(nullable = false, columnDefinition = "jsonb")
    @ColumnTransformer(read = "cast(spec as text)", write = "cast(cast(? as text) as jsonb)")
    public String spec;

    /** A JSON object of label names to values, as JSON text. */
    @Column(nullable = false, columnDefinition = "jsonb")
    @ColumnTransformer(read = "cast(labels as text)", write = "cast(cast(? as text) as jsonb)")
    public String labels;

    @Column(name = "creation_time", nullable = false)
    public Instant creationTime;

    @Column(name = "modification_time", nullable = false)
    public Instant modificationTime;
}
