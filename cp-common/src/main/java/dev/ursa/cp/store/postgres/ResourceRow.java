package dev.ursa.cp.store.postgres;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.vertx.core.json.JsonObject;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One row of {@code ursa_resource}: every resource of every type. The table is created by {@link Schema}, not by
 * Hibernate, so the column definitions here only need to match it.
 * <p>
 * {@code version} is our own optimistic-concurrency counter, checked under a row lock ({@code SELECT ... FOR UPDATE})
 * rather than with {@code @Version}: the store must report the stored version in a Conflict, and a no-op write must not
 * bump it.
 */
@Entity
@Table(name = Schema.TABLE)
public class ResourceRow extends PanacheEntityBase {
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

    /** {@code ResourceCodec.specToJson(spec)}; Hibernate Reactive maps Vert.x {@link JsonObject} to jsonb. */
    @Column(nullable = false, columnDefinition = "jsonb")
    public JsonObject spec;

    @Column(nullable = false, columnDefinition = "jsonb")
    public JsonObject labels;

    @Column(name = "creation_time", nullable = false)
    public Instant creationTime;

    @Column(name = "modification_time", nullable = false)
    public Instant modificationTime;
}
