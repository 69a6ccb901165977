package dev.ursa.mesh.resources;

import dev.ursa.mesh.model.ResourceSpec;

/** STUB: replaced by the full universal Dataplane. */
public record DataplaneSpec(Object networking) implements ResourceSpec {
}
