package dev.ursa.mesh.policy.meshloadbalancingstrategy;

import dev.ursa.mesh.validation.FieldPath;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.mesh.validation.Violations;

/** STUB: replaced by Kuma 2.14's rules. */
public final class MeshLoadBalancingStrategyValidator implements SpecValidator<MeshLoadBalancingStrategySpec> {
    @Override
    public void validate(MeshLoadBalancingStrategySpec spec, FieldPath path, Violations out) {
    }
}
