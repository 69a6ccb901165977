package dev.ursa.mesh.store;

import dev.ursa.mesh.model.Resource;

/**
 * The stored resource after a put, and what happened. {@code change} is null when the new content equalled the stored
 * one: nothing was written and no change event was sent.
 */
public record WriteResult(Resource resource, ChangeKind change) {
    public boolean created() {
        return change == ChangeKind.CREATED;
    }
}
