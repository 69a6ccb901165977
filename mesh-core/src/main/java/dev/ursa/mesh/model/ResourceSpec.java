package dev.ursa.mesh.model;

/** Marker for the spec of a resource type: an immutable record, bound from and written to JSON by Jackson. */
public interface ResourceSpec {
}
