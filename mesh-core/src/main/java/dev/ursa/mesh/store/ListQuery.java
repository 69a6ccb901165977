package dev.ursa.mesh.store;

import dev.ursa.mesh.model.ResourceType;

import java.util.Map;
import java.util.Objects;

/**
 * What to list: one type, optionally one mesh, resources carrying all of {@code labels}, a page of them in
 * (mesh, name) order.
 *
 * @param mesh null for every mesh
 */
public record ListQuery(ResourceType type, String mesh, Map<String, String> labels, int offset, int size) {
    public static final int MAX_SIZE = 1000;
    public static final int DEFAULT_SIZE = 100;

    public ListQuery {
        Objects.requireNonNull(type);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0");
        if (size < 1 || size > MAX_SIZE) throw new IllegalArgumentException("size must be between 1 and " + MAX_SIZE);
    }

    public static ListQuery all(ResourceType type) {
        return new ListQuery(type, null, Map.of(), 0, MAX_SIZE);
    }

    public static ListQuery inMesh(ResourceType type, String mesh) {
        return new ListQuery(type, mesh, Map.of(), 0, MAX_SIZE);
    }

    public static ListQuery labelled(ResourceType type, Map<String, String> labels) {
        return new ListQuery(type, null, labels, 0, MAX_SIZE);
    }

    public boolean matchesLabels(Map<String, String> resourceLabels) {
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!e.getValue().equals(resourceLabels.get(e.getKey()))) return false;
        }
        return true;
    }
}
