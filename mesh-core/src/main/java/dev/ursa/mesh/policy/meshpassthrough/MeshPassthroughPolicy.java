package dev.ursa.mesh.policy.meshpassthrough;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshPassthrough's descriptor: written on the global, synced down to every zone. */
public final class MeshPassthroughPolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshPassthrough", "meshpassthroughs", 950, Owner.GLOBAL,
            MeshPassthroughSpec.class, new MeshPassthroughValidator());

    private MeshPassthroughPolicy() {
    }
}
