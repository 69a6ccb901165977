package dev.ursa.mesh.model;

import java.util.Objects;

/** Identity of a resource: type, mesh (empty for global-scoped types) and name. */
public record ResourceKey(String type, String mesh, String name) implements Comparable<ResourceKey> {
    public ResourceKey {
        Objects.requireNonNull(type);
        mesh = mesh == null ? "" : mesh;
        Objects.requireNonNull(name);
    }

    public static ResourceKey of(ResourceType type, String mesh, String name) {
        return new ResourceKey(type.name(), type.meshScoped() ? mesh : "", name);
    }

    @Override
    public int compareTo(ResourceKey o) {
        int c = type.compareTo(o.type);
        if (c == 0) c = mesh.compareTo(o.mesh);
        if (c == 0) c = name.compareTo(o.name);
        return c;
    }

    @Override
    public String toString() {
        return mesh.isEmpty() ? type + "/" + name : type + "/" + mesh + "/" + name;
    }
}
