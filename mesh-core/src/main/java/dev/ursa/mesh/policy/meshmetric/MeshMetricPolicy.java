package dev.ursa.mesh.policy.meshmetric;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshMetric's descriptor: written on the global, synced down to every zone. */
public final class MeshMetricPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshMetric", "meshmetrics", 940, Owner.GLOBAL,
            MeshMetricSpec.class, new MeshMetricValidator());

    private MeshMetricPolicy() {
    }
}
