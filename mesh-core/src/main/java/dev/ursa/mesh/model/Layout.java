package dev.ursa.mesh.model;

/**
 * How a type's spec sits in Kuma's universal format: policies nest it under {@code spec};
 * older types (Mesh, Dataplane, ZoneIngress, Zone, ZoneInsight) write its fields beside the meta fields.
 */
public enum Layout {
    NESTED,
    INLINE
}
