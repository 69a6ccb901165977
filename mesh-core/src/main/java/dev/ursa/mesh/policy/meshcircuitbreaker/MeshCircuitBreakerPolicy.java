package dev.ursa.mesh.policy.meshcircuitbreaker;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshCircuitBreaker's descriptor: written on the global, synced down to every zone. */
public final class MeshCircuitBreakerPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshCircuitBreaker", "meshcircuitbreakers", 500, Owner.GLOBAL,
            MeshCircuitBreakerSpec.class, new MeshCircuitBreakerValidator());

    private MeshCircuitBreakerPolicy() {
    }
}
