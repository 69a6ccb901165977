package dev.ursa.mesh.model;

/** Whether a resource lives inside a mesh ({@code /meshes/{mesh}/{plural}/{name}}) or beside meshes ({@code /{plural}/{name}}). */
public enum Scope {
    GLOBAL,
    MESH
}
