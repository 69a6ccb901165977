package dev.ursa.zone.fakepolicy;

import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;

/** MeshFake's descriptor: all a test declares to have the type decoded, validated, synced and matched. */
public final class MeshFakePolicy {
    public static final PolicyType TYPE = PolicyType.of("MeshFake", "meshfakes", 450, Owner.GLOBAL,
            MeshFakeSpec.class, new MeshFakeValidator());

    private MeshFakePolicy() {
    }
}
