package dev.ursa.mesh.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Resource metadata. {@code version} is the store's optimistic-concurrency counter (1 on create, +1 per update);
 * 0 means "not stored yet".
 */
public record Meta(
        String mesh,
        String name,
        Map<String, String> labels,
        Instant creationTime,
        Instant modificationTime,
        long version) {

    public Meta {
        mesh = mesh == null ? "" : mesh;
        Objects.requireNonNull(name);
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    public static Meta fresh(String mesh, String name, Map<String, String> labels) {
        return new Meta(mesh, name, labels, null, null, 0);
    }

    public Meta stored(Instant created, Instant modified, long newVersion) {
        return new Meta(mesh, name, labels, created, modified, newVersion);
    }
}
