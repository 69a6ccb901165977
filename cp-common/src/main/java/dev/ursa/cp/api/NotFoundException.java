package dev.ursa.cp.api;

/** A path that names no resource type or collection: HTTP 404 with Kuma's error body. */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
