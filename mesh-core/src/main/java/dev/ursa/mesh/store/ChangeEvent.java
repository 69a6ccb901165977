package dev.ursa.mesh.store;

import dev.ursa.mesh.model.ResourceKey;

import java.time.Instant;

/** One committed change. {@code version} is the new version (for DELETED: the last version the resource had). */
public record ChangeEvent(ResourceKey key, ChangeKind kind, long version, Instant at) {
}
