package dev.ursa.mesh.store;

import dev.ursa.mesh.model.ResourceKey;

/** The ways a store operation can be refused. Each maps to one HTTP status in the REST layer. */
public abstract sealed class StoreException extends RuntimeException
        permits StoreException.NotFound, StoreException.AlreadyExists, StoreException.Conflict, StoreException.MeshNotFound, StoreException.Unavailable {

    private final ResourceKey key;

    protected StoreException(ResourceKey key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    public ResourceKey key() {
        return key;
    }

    public static final class NotFound extends StoreException {
        public NotFound(ResourceKey key) {
            super(key, key.type() + " \"" + key.name() + "\"" + (key.mesh().isEmpty() ? "" : " in mesh \"" + key.mesh() + "\"") + " not found", null);
        }
    }

    public static final class AlreadyExists extends StoreException {
        public AlreadyExists(ResourceKey key) {
            super(key, key + " already exists", null);
        }
    }

    /** Optimistic-concurrency failure: the caller's If-Match version is not the stored one. */
    public static final class Conflict extends StoreException {
        private final long expected;
        private final long actual;

        public Conflict(ResourceKey key, long expected, long actual) {
            super(key, key + " is at version " + actual + ", not " + expected + ": read it again and retry", null);
            this.expected = expected;
            this.actual = actual;
        }

        public long expected() {
            return expected;
        }

        public long actual() {
            return actual;
        }
    }

    public static final class MeshNotFound extends StoreException {
        public MeshNotFound(ResourceKey key) {
            super(key, "mesh \"" + key.mesh() + "\" not found: create it first (PUT /meshes/" + key.mesh() + ")", null);
        }
    }

    /** The backing database could not be reached or failed; nothing was written. */
    public static final class Unavailable extends StoreException {
        public Unavailable(String message, Throwable cause) {
            super(null, message, cause);
        }
    }
}
