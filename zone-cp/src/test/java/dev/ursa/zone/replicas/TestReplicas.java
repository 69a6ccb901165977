package dev.ursa.zone.replicas;

import dev.ursa.cp.leader.Leadership;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Zone CP replicas of one in-process test sharing a store: which are live (their heartbeat fresh) and which one leads
 * are the test's to set, as a Postgres election would decide them.
 */
public final class TestReplicas {
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private volatile String leader;
    private volatile long term;
    private final CopyOnWriteArrayList<Replica> replicas = new CopyOnWriteArrayList<>();

    /** A live replica named {@code id}. */
    public Replica replica(String id) {
        Replica r = new Replica(id);
        live.add(id);
        replicas.add(r);
        return r;
    }

    /** {@code id} leads from now on (a new term); every replica hears it. */
    public void lead(String id) {
        leader = id;
        term++;
        replicas.forEach(Replica::announce);
    }

    /** {@code id}'s heartbeat stops: it no longer counts as live (and leads no more). */
    public void stop(String id) {
        live.remove(id);
        if (id.equals(leader)) lead(null);
    }

    public final class Replica implements Leadership {
        private final String id;
        private final CopyOnWriteArrayList<Consumer<State>> listeners = new CopyOnWriteArrayList<>();

        private Replica(String id) {
            this.id = id;
        }

        @Override
        public String instanceId() {
            return id;
        }

        @Override
        public synchronized State state() {
            return id.equals(leader) ? new State(true, term) : State.FOLLOWER;
        }

        @Override
        public synchronized AutoCloseable subscribe(Consumer<State> listener) {
            listeners.add(listener);
            listener.accept(state());
            return () -> listeners.remove(listener);
        }

        @Override
        public Set<String> liveReplicas() {
            return Set.copyOf(live);
        }

        private synchronized void announce() {
            State s = state();
            listeners.forEach(l -> l.accept(s));
        }
    }
}
