package dev.ursa.cp.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.secrets.SecretsAtRest;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeFeed;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Page;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.store.WriteResult;
import dev.ursa.mesh.validation.FieldPath;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import jakarta.persistence.LockModeType;
import org.hibernate.JDBCException;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link ResourceStore} on Postgres through Hibernate Reactive: one table ({@code ursa_resource}, see {@link Schema}) for
 * every type.
 * <p>
 * Every write is one transaction: the mesh row of a mesh-scoped resource is locked {@code FOR SHARE} (a concurrent
 * mesh delete waits, and then the write sees the mesh gone), the resource row {@code FOR UPDATE}, the precondition is
 * checked against the locked version, and {@code pg_notify} queues the change event, which Postgres delivers only if
 * the transaction commits. Two creates of the same new key race on the unique constraint: the loser retries once and
 * becomes an update (or, for {@link Precondition#ABSENT}, fails with AlreadyExists).
 * <p>
 * Events come back through {@link PgChangeFeed} (LISTEN), for writes of this instance and of every other one.
 * Failures of the database itself surface as {@link StoreException.Unavailable}.
 * <p>
 * A row whose spec no longer decodes (written by another Ursa version, or edited by hand) is contained: listings leave
 * it out, {@code get} of it fails with {@link StoreException.Unreadable}, a put replaces it and a delete removes it.
 * {@link UnreadableRows} logs and counts such rows.
 */
public final class PostgresStore implements ResourceStore, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PostgresStore.class);
    private static final String MESH = ResourceTypes.MESH.name();
    private static final String UNIQUE_VIOLATION = "23505";

    private final Mutiny.SessionFactory sessions;
    private final Vertx vertx;
    private final PgChangeFeed feed;
    private final Clock clock;
    private final UnreadableRows unreadable;
    private final SecretsAtRest secrets;
    /** Completed schema creation; retried by the next call after a failure (e.g. database down at start). */
    private final AtomicReference<Uni<Void>> schema = new AtomicReference<>();

    /**
     * @param meters  where the {@value UnreadableRows#GAUGE} gauge goes
     * @param secrets how the specs of Secrets and GlobalSecrets are kept (encrypted with the configured key, or not)
     */
    public PostgresStore(Mutiny.SessionFactory sessions, Vertx vertx, PgChangeFeed feed, Clock clock, MeterRegistry meters,
                         SecretsAtRest secrets) {
        this.sessions = sessions;
        this.vertx = vertx;
        this.feed = feed;
        this.clock = clock;
        this.unreadable = new UnreadableRows(meters);
        this.secrets = secrets;
    }

    /** A store whose metrics are not exported (tests, tools): the app's one is made by {@code StoreProducer}. */
    public PostgresStore(Mutiny.SessionFactory sessions, Vertx vertx, PgChangeFeed feed, Clock clock, SecretsAtRest secrets) {
        this(sessions, vertx, feed, clock, new SimpleMeterRegistry(), secrets);
    }

    /** As above, secrets in plaintext. */
    public PostgresStore(Mutiny.SessionFactory sessions, Vertx vertx, PgChangeFeed feed, Clock clock) {
        this(sessions, vertx, feed, clock, SecretsAtRest.plaintext());
    }

    /** Starts the LISTEN connection and creates the schema in the background; never blocks and never fails. */
    public PostgresStore start() {
        feed.start();
        ensureSchema().subscribe().with(
                ok -> LOG.debug("ursa_resource schema in place"),
                e -> LOG.warnf("cannot create the store schema yet (%s); will retry on the next store call", e.getMessage()));
        return this;
    }

    /** Completes when the schema exists and the change feed is listening. */
    public CompletionStage<Void> ready() {
        return ensureSchema().chain(() -> Uni.createFrom().completionStage(feed.listening()))
                .onFailure().transform(PostgresStore::unavailable)
                .subscribeAsCompletionStage();
    }

    /** {@code SELECT 1} within {@code timeout}: what readiness reports. */
    public CompletionStage<Void> ping(Duration timeout) {
        return onContext(() -> sessions.withSession(s -> s.createNativeQuery("select 1").getSingleResult()))
                .ifNoItem().after(timeout).failWith(() -> new StoreException.Unavailable("Postgres did not answer within " + timeout, null))
                .onFailure().transform(PostgresStore::unavailable)
                .replaceWithVoid()
                .subscribeAsCompletionStage();
    }

    @Override
    public CompletionStage<Optional<Resource>> get(ResourceKey key) {
        return read(s -> find(s, key, null).map(row -> {
            if (row == null) {
                unreadable.gone(key);
                return Optional.empty();
            }
            return Optional.of(decode(row));
        }));
    }

    @Override
    public CompletionStage<Page> list(ListQuery q) {
        String where = where(q);
        return read(s -> {
            var count = bind(s.createNativeQuery("select count(*)" + where, Long.class), q);
            var page = bind(s.createNativeQuery("select " + ResourceRow.COLUMNS + where + " order by mesh, name limit :size offset :offset",
                    ResourceRow.class), q);
            page.setParameter("size", q.size());
            page.setParameter("offset", q.offset());
            return count.getSingleResult().chain(total -> total == 0 || q.offset() >= total
                    ? Uni.createFrom().item(new Page(List.of(), total))
                    // total still counts rows left out as unreadable: paging goes by offset + size, not by items.
                    : page.getResultList().map(rows -> new Page(readable(rows), total)));
        });
    }

    /** One query: one consistent snapshot, where paging could skip a row deleted between pages. */
    @Override
    public CompletionStage<List<Resource>> listAll(ListQuery q) {
        return read(s -> bind(s.createNativeQuery("select " + ResourceRow.COLUMNS + where(q) + " order by mesh, name", ResourceRow.class), q)
                .getResultList().map(rows -> {
                    List<Resource> resources = readable(rows);
                    unreadable.reconcile(q, rows.stream().map(PostgresStore::key).toList());
                    return resources;
                }));
    }

    /** The rows that decode; the others are recorded (logged once, counted) and left out, so one bad row fails no listing. */
    private List<Resource> readable(List<ResourceRow> rows) {
        List<Resource> out = new ArrayList<>(rows.size());
        for (ResourceRow row : rows) {
            try {
                out.add(decode(row));
            } catch (StoreException.Unreadable e) {
                // logged by decode, once per row version
            }
        }
        return out;
    }

    /** Decodes a row read for a caller, or records it as unreadable and throws {@link StoreException.Unreadable}. */
    private Resource decode(ResourceRow row) {
        ResourceKey key = key(row);
        try {
            Resource resource = toResource(row);
            unreadable.readable(key);
            return resource;
        } catch (RuntimeException e) {
            Meta stored = storedMeta(row);
            unreadable.found(key, stored, e);
            throw new StoreException.Unreadable(key, stored, e);
        }
    }

    /** A row's resource, or empty when it does not decode: a write over it replaces or removes it all the same. */
    private Optional<Resource> decodeIfPossible(ResourceRow row) {
        try {
            return Optional.of(toResource(row));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String where(ListQuery q) {
        StringBuilder where = new StringBuilder(" from ursa_resource where type = :type");
        if (q.mesh() != null) where.append(" and mesh = :mesh");
        // Typed as text first: a parameter the server infers as jsonb would be sent by the Vert.x client as a JSON string.
        if (!q.labels().isEmpty()) where.append(" and labels @> cast(cast(:labels as text) as jsonb)");
        return where.toString();
    }

    private static <T> Mutiny.SelectionQuery<T> bind(Mutiny.SelectionQuery<T> query, ListQuery q) {
        query.setParameter("type", q.type().name());
        if (q.mesh() != null) query.setParameter("mesh", q.mesh());
        if (!q.labels().isEmpty()) query.setParameter("labels", new JsonObject(Map.copyOf(q.labels())).encode());
        return query;
    }

    @Override
    public CompletionStage<WriteResult> put(Resource resource, Precondition precondition) {
        return write(() -> attemptPut(resource, precondition)
                .onFailure(PostgresStore::isUniqueViolation).recoverWithUni(e -> precondition instanceof Precondition.Absent
                        ? Uni.createFrom().failure(new StoreException.AlreadyExists(resource.key()))
                        // Another instance created the key between our lookup and insert: now it is an update.
                        : attemptPut(resource, precondition))
                .invoke(() -> unreadable.readable(resource.key())));
    }

    /** Deletes the row whether or not it decodes; returns the deleted resource, or null when its row could not be decoded. */
    @Override
    public CompletionStage<Resource> delete(ResourceKey key, Precondition precondition) {
        return write(() -> inTransaction(s -> find(s, key, LockModeType.PESSIMISTIC_WRITE).chain(row -> {
            if (row == null) return Uni.createFrom().failure(new StoreException.NotFound(key));
            precondition.check(key, row.version);
            Resource stored = decodeIfPossible(row).orElse(null);
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            Uni<?> cascade = key.type().equals(MESH) ? deleteMeshContents(s, key.name(), now) : Uni.createFrom().voidItem();
            return cascade
                    .chain(() -> s.remove(row))
                    .chain(() -> notify(s, key, ChangeKind.DELETED, row.version, now))
                    .map(ignored -> stored);
        })).invoke(() -> {
            unreadable.gone(key);
            if (key.type().equals(MESH)) unreadable.meshGone(key.name());
        }));
    }

    @Override
    public ChangeFeed changes() {
        return feed;
    }

    @Override
    public void close() {
        feed.close();
    }

    private Uni<WriteResult> attemptPut(Resource resource, Precondition precondition) {
        ResourceKey key = resource.key();
        return inTransaction(s -> requireMesh(s, resource)
                .chain(() -> find(s, key, LockModeType.PESSIMISTIC_WRITE))
                .chain(row -> {
                    precondition.check(key, row == null ? null : row.version);
                    if (row == null) return insert(s, resource);
                    // A row that does not decode is simply replaced.
                    Optional<Resource> stored = decodeIfPossible(row);
                    if (stored.isPresent() && InMemoryStore.sameContent(stored.get(), resource)) {
                        if (!secrets.needsSealing(key, row.spec)) return Uni.createFrom().item(new WriteResult(stored.get(), null));
                        // A secret written before the key was configured: sealed now, in place (same version, no event).
                        row.spec = specJson(resource);
                        return s.flush().replaceWith(new WriteResult(stored.get(), null));
                    }
                    return update(s, row, resource);
                }));
    }

    private Uni<Void> requireMesh(Mutiny.Session s, Resource resource) {
        if (!resource.type().meshScoped()) return Uni.createFrom().voidItem();
        // FOR SHARE: concurrent writes into the mesh proceed, a concurrent delete of the mesh waits for us (or we for it).
        return find(s, ResourceKey.of(ResourceTypes.MESH, "", resource.meta().mesh()), LockModeType.PESSIMISTIC_READ)
                .invoke(mesh -> {
                    if (mesh == null) throw new StoreException.MeshNotFound(resource.key());
                })
                .replaceWithVoid();
    }

    private Uni<WriteResult> insert(Mutiny.Session s, Resource resource) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        ResourceRow row = new ResourceRow();
        row.type = resource.type().name();
        row.mesh = resource.key().mesh();
        row.name = resource.meta().name();
        row.version = 1;
        row.spec = specJson(resource);
        row.labels = labelsJson(resource);
        row.creationTime = now;
        row.modificationTime = now;
        return s.persist(row)
                .chain(s::flush)
                .chain(() -> notify(s, resource.key(), ChangeKind.CREATED, 1, now))
                // The written resource is the caller's, with the stored meta: no need to decode the row again.
                .replaceWith(() -> new WriteResult(resource.withMeta(resource.meta().stored(now, now, 1)), ChangeKind.CREATED));
    }

    private Uni<WriteResult> update(Mutiny.Session s, ResourceRow row, Resource resource) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        // Keep modificationTime strictly increasing even if this instance's clock is behind the last writer's.
        if (!now.isAfter(row.modificationTime)) now = row.modificationTime.plus(1, ChronoUnit.MICROS);
        row.version += 1;
        row.spec = specJson(resource);
        row.labels = labelsJson(resource);
        row.modificationTime = now;
        Instant at = now;
        return s.flush()
                .chain(() -> notify(s, resource.key(), ChangeKind.UPDATED, row.version, at))
                .replaceWith(() -> new WriteResult(resource.withMeta(resource.meta().stored(row.creationTime, at, row.version)), ChangeKind.UPDATED));
    }

    /** Deletes every mesh-scoped resource of {@code mesh} and queues one DELETED event each, in one statement. */
    private Uni<Integer> deleteMeshContents(Mutiny.Session s, String mesh, Instant at) {
        String sql = """
                with gone as (delete from ursa_resource where mesh = :mesh and type <> :meshType returning type, mesh, name, version)
                select count(pg_notify(:channel, cast(json_build_object('type', type, 'mesh', mesh, 'name', name,
                        'kind', 'DELETED', 'version', version, 'at', cast(:at as text)) as text)))
                from (select * from gone order by type, name) ordered""";
        return s.createNativeQuery(sql, Long.class)
                .setParameter("mesh", mesh)
                .setParameter("meshType", MESH)
                .setParameter("channel", PgChangeFeed.CHANNEL)
                .setParameter("at", at.toString())
                .getSingleResult()
                .map(Long::intValue);
    }

    private static Uni<Void> notify(Mutiny.Session s, ResourceKey key, ChangeKind kind, long version, Instant at) {
        return s.createNativeQuery("select count(*) from pg_notify(:channel, :payload)", Long.class)
                .setParameter("channel", PgChangeFeed.CHANNEL)
                .setParameter("payload", PgChangeFeed.payload(key, kind, version, at))
                .getSingleResult()
                .replaceWithVoid();
    }

    private static Uni<ResourceRow> find(Mutiny.Session s, ResourceKey key, LockModeType lock) {
        var query = s.createSelectionQuery("from ResourceRow where type = :type and mesh = :mesh and name = :name", ResourceRow.class)
                .setParameter("type", key.type())
                .setParameter("mesh", key.mesh())
                .setParameter("name", key.name());
        if (lock != null) query.setLockMode(lock);
        return query.getSingleResultOrNull();
    }

    private String specJson(Resource resource) {
        return secrets.seal(resource.key(), ResourceCodec.specToJson(resource.spec()).toString());
    }

    private static String labelsJson(Resource resource) {
        return new JsonObject(Map.copyOf(resource.meta().labels())).encode();
    }

    private static ResourceKey key(ResourceRow row) {
        return new ResourceKey(row.type, row.mesh, row.name);
    }

    /** What can be read of a row besides its spec; labels that do not decode read as none. */
    private static Meta storedMeta(ResourceRow row) {
        Map<String, String> labels;
        try {
            labels = labels(row);
        } catch (RuntimeException | JsonProcessingException e) {
            labels = Map.of();
        }
        return new Meta(row.mesh, row.name, labels, row.creationTime, row.modificationTime, row.version);
    }

    /** Throws when the row does not decode: callers reading for a client go through {@link #decode}. */
    Resource toResource(ResourceRow row) {
        ResourceType type = ResourceTypes.byName(row.type)
                .orElseThrow(() -> new IllegalStateException("unknown type " + row.type + " in " + Schema.TABLE));
        try {
            String specJson = secrets.open(key(row), row.spec);
            var spec = ResourceCodec.decodeSpec(type, Json.JSON.readTree(specJson), FieldPath.of("spec"));
            return new Resource(type, new Meta(row.mesh, row.name, labels(row), row.creationTime, row.modificationTime, row.version), spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored JSON does not parse: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, String> labels(ResourceRow row) throws JsonProcessingException {
        JsonNode node = Json.JSON.readTree(row.labels);
        if (!node.isObject()) throw new IllegalStateException("labels: must be a JSON object, is " + node.getNodeType());
        Map<String, String> labels = new TreeMap<>();
        node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return labels;
    }

    // ---- plumbing: Vert.x context, transactions, error mapping ----------------------------------------------------

    private <T> CompletionStage<T> read(Function<Mutiny.Session, Uni<T>> work) {
        return ensureSchema()
                .chain(() -> onContext(() -> sessions.withSession(work)))
                .onFailure().transform(PostgresStore::unavailable)
                .subscribeAsCompletionStage();
    }

    private <T> CompletionStage<T> write(Supplier<Uni<T>> work) {
        return ensureSchema()
                .chain(() -> work.get())
                .onFailure().transform(PostgresStore::unavailable)
                .subscribeAsCompletionStage();
    }

    private <T> Uni<T> inTransaction(Function<Mutiny.Session, Uni<T>> work) {
        return onContext(() -> sessions.withTransaction((s, tx) -> work.apply(s)));
    }

    /**
     * Runs {@code work} on a new duplicated Vert.x context: Hibernate Reactive keeps its session in the context, so
     * each store call gets its own, whatever thread (JUnit, worker, event loop) called the store.
     */
    private <T> Uni<T> onContext(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(em -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            // Hibernate Reactive (through Quarkus) insists that the context be flagged as isolated.
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> {
                try {
                    work.get().subscribe().with(em::complete, em::fail);
                } catch (RuntimeException e) {
                    em.fail(e);
                }
            });
        });
    }

    private Uni<Void> ensureSchema() {
        Uni<Void> current = schema.get();
        if (current != null) return current;
        AtomicReference<Uni<Void>> self = new AtomicReference<>();
        // Memoize success only: a failed attempt is forgotten, so that the next call tries again.
        Uni<Void> attempt = onContext(() -> Schema.create(sessions))
                .onFailure().invoke(e -> schema.compareAndSet(self.get(), null))
                .memoize().indefinitely();
        self.set(attempt);
        return schema.compareAndSet(null, attempt) ? attempt : ensureSchema();
    }

    private static boolean isUniqueViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            // Hibernate Reactive reports it as a JDBCException carrying the SQL state, without the PgException as cause.
            if (c instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) return true;
            if (c instanceof JDBCException jdbc && UNIQUE_VIOLATION.equals(jdbc.getSQLState())) return true;
            if (c instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) return true;
        }
        return false;
    }

    private static Throwable unavailable(Throwable t) {
        if (t instanceof StoreException) return t;
        if (t instanceof RuntimeException && t.getCause() instanceof StoreException se) return se;
        return new StoreException.Unavailable("the store database is unavailable: " + t.getMessage(), t);
    }
}
