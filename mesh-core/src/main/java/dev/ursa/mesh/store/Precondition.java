package dev.ursa.mesh.store;

/** What a write expects of the stored resource: anything, absence, or one exact version (HTTP If-Match). */
public sealed interface Precondition {
    Precondition ANY = new Any();
    Precondition ABSENT = new Absent();

    static Precondition version(long v) {
        return new Version(v);
    }

    record Any() implements Precondition {
    }

    record Absent() implements Precondition {
    }

    record Version(long expected) implements Precondition {
    }

    /** Throws the matching {@link StoreException} when the stored state (null = absent) does not satisfy this. */
    default void check(dev.ursa.mesh.model.ResourceKey key, Long storedVersion) {
        switch (this) {
            case Any a -> { }
            case Absent a -> {
                if (storedVersion != null) throw new StoreException.AlreadyExists(key);
            }
            case Version v -> {
                if (storedVersion == null) throw new StoreException.NotFound(key);
                if (storedVersion != v.expected()) throw new StoreException.Conflict(key, v.expected(), storedVersion);
            }
        }
    }
}
