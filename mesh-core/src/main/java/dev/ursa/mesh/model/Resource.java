package dev.ursa.mesh.model;

import java.util.Objects;

/** One immutable resource: its type, meta and typed spec. */
public record Resource(ResourceType type, Meta meta, ResourceSpec spec) {
    public Resource {
        Objects.requireNonNull(type);
        Objects.requireNonNull(meta);
        Objects.requireNonNull(spec);
        if (!type.specClass().isInstance(spec)) {
            throw new IllegalArgumentException(type.name() + " needs a " + type.specClass().getSimpleName() + " spec, got " + spec.getClass().getSimpleName());
        }
    }

    public ResourceKey key() {
        return ResourceKey.of(type, meta.mesh(), meta.name());
    }

    public <S extends ResourceSpec> S spec(Class<S> cls) {
        return cls.cast(spec);
    }

    public Resource withMeta(Meta newMeta) {
        return new Resource(type, newMeta, spec);
    }
}
