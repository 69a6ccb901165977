package dev.ursa.mesh.model;

/** Which control plane is the authority for a type; KDS syncs each type in one direction only, from its owner. */
public enum Owner {
    /** Written on the global, synced down to zones (Mesh, policies). */
    GLOBAL,
    /** Written on a zone, synced up to the global (Dataplane, ZoneIngress, ZoneInsight). */
    ZONE
}
