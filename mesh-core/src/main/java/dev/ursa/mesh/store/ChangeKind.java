package dev.ursa.mesh.store;

public enum ChangeKind {
    CREATED,
    UPDATED,
    DELETED
}
