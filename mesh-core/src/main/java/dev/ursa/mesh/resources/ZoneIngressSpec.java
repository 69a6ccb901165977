package dev.ursa.mesh.resources;

import dev.ursa.mesh.model.ResourceSpec;

/** STUB: replaced by the full universal ZoneIngress. */
public record ZoneIngressSpec(Object networking) implements ResourceSpec {
}
