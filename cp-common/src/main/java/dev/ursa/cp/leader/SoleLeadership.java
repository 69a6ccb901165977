package dev.ursa.cp.leader;

import java.util.Set;
import java.util.function.Consumer;

/** The in-memory store has one replica, which always leads (term 1). Immutable. */
public final class SoleLeadership implements Leadership {
    private static final State LEADER = new State(true, 1);
    private final String instanceId;

    public SoleLeadership(String instanceId) {
        this.instanceId = instanceId;
    }

    public SoleLeadership() {
        this(Replicas.newInstanceId());
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public State state() {
        return LEADER;
    }

    @Override
    public AutoCloseable subscribe(Consumer<State> listener) {
        listener.accept(LEADER);
        return () -> { };
    }

    @Override
    public Set<String> liveReplicas() {
        return Set.of(instanceId);
    }
}
