package dev.ursa.cp.leader;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Which replica of a control plane does the singleton work (zone-insight cleanup, mesh CA lifecycle). Every replica
 * serves REST and KDS whatever it says; only work that must run once per database asks it. With the Postgres store the
 * replicas sharing a database elect one through a lease row ({@code PostgresLeadership}); with the in-memory store the
 * only replica leads ({@link SoleLeadership}).
 */
public interface Leadership {
    /** This replica's identity, unique per process run (it also stamps the zone insights this replica writes). */
    String instanceId();

    /** The current state: leader or not, and the lease's term. */
    State state();

    /** Whether this replica leads now (its lease has not run out, even if its renewal thread is late). */
    default boolean isLeader() {
        return state().leader();
    }

    /**
     * Hears every transition, first the current state at once; called on one thread, in order.
     *
     * @return closing it stops the notifications
     */
    AutoCloseable subscribe(Consumer<State> listener);

    /** The replicas sharing this store whose heartbeat is fresh, this one included; throws when the store cannot answer. */
    Set<String> liveReplicas();

    /**
     * @param leader whether this replica leads
     * @param term   the lease's fencing token while leading: it grows at every change of leader, so work started
     *               under one term can check it still holds ({@link #holds(long)}); 0 when not leading
     */
    record State(boolean leader, long term) {
        public static final State FOLLOWER = new State(false, 0);
    }

    /** Whether this replica still leads in {@code term}: singleton work checks it before each write. */
    default boolean holds(long term) {
        State s = state();
        return s.leader() && s.term() == term;
    }
}
