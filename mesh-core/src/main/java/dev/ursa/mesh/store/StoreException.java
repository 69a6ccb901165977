package dev.ursa.mesh.store;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.ResourceKey;

/** The ways a store operation can be refused. Each maps to one HTTP status in the REST layer. */
public abstract sealed class StoreException extends RuntimeException
        permits StoreException.NotFound, StoreException.AlreadyExists, StoreException.Conflict, StoreException.MeshNotFound, StoreException.Unavailable,
                StoreException.Unreadable {

    private final ResourceKey key;

    protected StoreException(ResourceKey key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    public ResourceKey key() {
        return key;
    }

    /** {@code MeshTimeout "t1" in mesh "default"}, {@code Zone "z1"}: how messages name a resource. */
    public static String describe(ResourceKey key) {
        return key.type() + " \"" + key.name() + "\"" + (key.mesh().isEmpty() ? "" : " in mesh \"" + key.mesh() + "\"");
    }

    public static final class NotFound extends StoreException {
        public NotFound(ResourceKey key) {
            super(key, describe(key) + " not found", null);
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

    /**
     * The resource is stored but its stored form cannot be decoded (written by another version of Ursa, or edited by
     * hand): a fault of the data, not of the connection. A write of a valid document replaces it and a delete removes
     * it. The message names the resource and the remedy only (it may reach API clients and peers); the decode error is
     * the cause, logged by the store.
     */
    public static final class Unreadable extends StoreException {
        private final Meta stored;

        /** @param stored what could still be read of the stored row: labels, times and version */
        public Unreadable(ResourceKey key, Meta stored, Throwable cause) {
            super(key, describe(key) + " is stored but cannot be read by this control plane; writing a valid document replaces it, "
                    + "deleting it removes it", cause);
            this.stored = stored;
        }

        public Meta stored() {
            return stored;
        }
    }
}
