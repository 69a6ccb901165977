package dev.ursa.mesh.policy.common;

import dev.ursa.mesh.model.ResourceSpec;

import java.util.List;

/**
 * A Kuma targetRef policy: a top-level {@code targetRef} choosing proxies, {@code to} items for outbound traffic and
 * {@code from} items for inbound traffic. The matcher works on this shape only, so every policy type merges alike.
 */
public interface TargetRefPolicy extends ResourceSpec {
    /** Null means the whole mesh, as in Kuma. */
    TargetRef targetRef();

    default List<? extends PolicyItem> to() {
        return List.of();
    }

    default List<? extends PolicyItem> from() {
        return List.of();
    }

    default TargetRef targetRefOrMesh() {
        return targetRef() == null ? TargetRef.wholeMesh() : targetRef();
    }
}
