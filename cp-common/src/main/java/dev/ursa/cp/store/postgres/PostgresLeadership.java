package dev.ursa.cp.store.postgres;

import dev.ursa.cp.leader.Leadership;
import dev.ursa.mesh.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Leader election among the replicas sharing one Postgres database: a lease row ({@code ursa_leader_lease}) that the
 * leader renews every {@code renewInterval} and any replica takes once it has run out ({@code expiresAt} in the
 * database's clock, so replicas' clocks do not matter). Each take of a lease that was free or expired raises its
 * {@code term}, the fencing token singleton work checks ({@link Leadership#holds}). Every replica also writes its
 * heartbeat ({@code ursa_replica}) on each round, so the leader knows which replicas are alive.
 * <p>
 * Safety: the leader counts its lease from the moment it sent the renewal, by its monotonic clock, so it stops leading
 * (in {@link #state()}) no later than the database's expiry, even when paused (GC, SIGSTOP) or cut off from the
 * database; another replica can take the lease only after that expiry. What is not fenced is a write already in
 * flight when the pause began: singleton work keeps its writes idempotent or conditional (create-if-absent, If-Match).
 * <p>
 * Threading: one thread ({@code ursa-leader}) owns the dedicated connection, runs the rounds and tells the listeners;
 * {@link #state()} reads volatile fields.
 */
public final class PostgresLeadership implements Leadership, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PostgresLeadership.class);
    static final String LEASE = "control-plane";
    private static final Duration OLD_REPLICAS = Duration.ofHours(1);

    private static final String TAKE_OR_RENEW = """
            insert into ursa_leader_lease as l (name, holder, term, expires_at)
            values ($1, $2, 1, now() + $3 * interval '1 millisecond')
            on conflict (name) do update set
                term = case when l.holder = excluded.holder and l.expires_at > now() then l.term else l.term + 1 end,
                holder = excluded.holder,
                expires_at = excluded.expires_at
            where l.holder = excluded.holder or l.expires_at <= now()
            returning term""";
    private static final String HEARTBEAT = """
            insert into ursa_replica (instance, heartbeat_at) values ($1, now())
            on conflict (instance) do update set heartbeat_at = now()""";
    private static final String LIVE = "select instance from ursa_replica where heartbeat_at > now() - $1 * interval '1 millisecond'";
    private static final String PRUNE = "delete from ursa_replica where heartbeat_at < now() - $1 * interval '1 millisecond'";
    private static final String RELEASE = "update ursa_leader_lease set expires_at = now() where name = $1 and holder = $2";
    private static final String LEAVE = "delete from ursa_replica where instance = $1";

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final String instanceId;
    private final Duration lease;
    private final Duration renew;
    private final Duration queryTimeout;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ursa-leader").factory());
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
    /** The state last told to the listeners; leader thread writes. */
    private volatile State announced = State.FOLLOWER;
    /** While leading: until when (System.nanoTime) the lease surely holds. */
    private volatile long leaseEndsNanos;
    /** Leader thread only. */
    private PgConnection connection;
    private boolean schemaReady;
    private boolean failing;
    private volatile boolean closed;

    public PostgresLeadership(Vertx vertx, PgConnectOptions options, String instanceId, Duration lease, Duration renew) {
        if (renew.isZero() || renew.isNegative() || renew.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("ursa.leader.renew-interval (" + renew + ") must be positive and shorter than "
                    + "ursa.leader.lease-duration (" + lease + ")");
        }
        this.vertx = vertx;
        this.instanceId = instanceId;
        this.lease = lease;
        this.renew = renew;
        // A round that hangs must end well before the lease does, so a lapse is noticed and announced in time; the
        // server gives up too, so a renewal this replica gave up on cannot land later (after it stopped leading).
        this.queryTimeout = renew.compareTo(lease.dividedBy(2)) < 0 ? renew : lease.dividedBy(2);
        this.options = new PgConnectOptions(options).addProperty("application_name", "ursa-leader-" + instanceId)
                .addProperty("statement_timeout", Long.toString(queryTimeout.toMillis()));
    }

    /** Starts the rounds: the first at once. */
    public PostgresLeadership start() {
        thread.scheduleWithFixedDelay(this::round, 0, renew.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public State state() {
        State s = announced;
        return s.leader() && System.nanoTime() - leaseEndsNanos >= 0 ? State.FOLLOWER : s;
    }

    @Override
    public AutoCloseable subscribe(Consumer<State> listener) {
        // On the leader thread, so the first state and every later one arrive in order.
        thread.execute(() -> {
            listeners.add(listener);
            listener.accept(state());
        });
        return () -> listeners.remove(listener);
    }

    @Override
    public Set<String> liveReplicas() {
        PgConnection c = connection;
        if (c == null) throw new StoreException.Unavailable("no connection to Postgres for the replica list", null);
        Set<String> live = new HashSet<>();
        for (Row row : query(c, LIVE, Tuple.of(lease.toMillis()))) live.add(row.getString(0));
        return live;
    }

    /** One round: heartbeat, then take or renew the lease; on any failure, lead no longer than the lease lasts. */
    private void round() {
        if (closed) return;
        long sent = System.nanoTime();
        try {
            PgConnection c = connected();
            query(c, HEARTBEAT, Tuple.of(instanceId));
            RowSet<Row> taken = query(c, TAKE_OR_RENEW, Tuple.of(LEASE, instanceId, lease.toMillis()));
            if (taken.rowCount() == 1) {
                leaseEndsNanos = sent + lease.toNanos();
                announce(new State(true, taken.iterator().next().getLong(0)), "took or renewed the lease");
                query(c, PRUNE, Tuple.of(OLD_REPLICAS.toMillis()));
            } else {
                announce(State.FOLLOWER, "another replica holds the lease");
            }
            if (failing) LOG.infof("leader election: the database answers again");
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) LOG.warnf("leader election: cannot reach the database (%s); retrying every %s", e.getMessage(), renew);
            failing = true;
            disconnect();
            announce(state(), "the lease could not be renewed and ran out");
        }
    }

    private PgConnection connected() {
        if (connection == null) {
            connection = await(PgConnection.connect(vertx, options));
            connection.closeHandler(v -> LOG.debugf("leader election: connection closed"));
        }
        if (!schemaReady) {
            Schema.createLeadership(connection, f -> await(f));
            schemaReady = true;
        }
        return connection;
    }

    private void disconnect() {
        PgConnection c = connection;
        connection = null;
        if (c != null) c.close();
    }

    /** Tells the listeners when the state changed; leader thread. */
    private void announce(State next, String why) {
        State was = announced;
        if (was.equals(next)) return;
        announced = next;
        if (next.leader()) {
            LOG.infof("leader election: replica %s is now the leader (term %d): %s", instanceId, next.term(), why);
        } else if (was.leader()) {
            LOG.warnf("leader election: replica %s is no longer the leader (term %d): %s", instanceId, was.term(), why);
        }
        for (Consumer<State> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.warnf(e, "leadership listener failed on %s", next);
            }
        }
    }

    private RowSet<Row> query(PgConnection c, String sql, Tuple args) {
        return await(c.preparedQuery(sql).execute(args));
    }

    private <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(queryTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new StoreException.Unavailable(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreException.Unavailable("no answer within " + queryTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted", e);
        }
    }

    /** Gives the lease up (so another replica takes it at its next round) and leaves the replica list. */
    @Override
    public void close() {
        try {
            thread.submit(() -> {
                closed = true;
                PgConnection c = connection;
                if (c != null) {
                    try {
                        if (announced.leader()) query(c, RELEASE, Tuple.of(LEASE, instanceId));
                        query(c, LEAVE, Tuple.of(instanceId));
                    } catch (RuntimeException e) {
                        LOG.debugf("leader election: could not release the lease: %s", e.getMessage());
                    }
                }
                announce(State.FOLLOWER, "this replica is stopping");
                disconnect();
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("leader election: stopping: %s", e.getMessage());
        }
        thread.shutdownNow();
    }
}
