package dev.ursa.mesh.policy.meshcircuitbreaker;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/** STUB: replaced by Kuma 2.14's rules. */
public final class MeshCircuitBreakerValidator implements SpecValidator<MeshCircuitBreakerSpec> {
    @Override
    public void validate(MeshCircuitBreakerSpec spec, FieldPath path, Violations out) {
    }
}
