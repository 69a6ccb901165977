package dev.ursa.zone.xds;

import dev.ursa.mesh.model.Resource;

import java.util.List;
import java.util.Set;

/**
 * What one applied batch of store changes did to one mesh, as the mesh mirror reports it. Immutable.
 *
 * @param before     the generation replaced (null: the mesh was not mirrored)
 * @param after      the generation published (null: the mesh is gone)
 * @param reloaded   the Mesh itself changed or was loaded anew: every node of the mesh is recomputed
 * @param dataplanes names of the Dataplanes written or deleted
 * @param policies   the policies written or deleted, each as its version before and after (either may be null)
 */
record MeshChange(String mesh, MeshState before, MeshState after, boolean reloaded, Set<String> dataplanes, List<PolicyChange> policies) {
    MeshChange {
        dataplanes = Set.copyOf(dataplanes);
        policies = List.copyOf(policies);
    }

    static MeshChange reloaded(String mesh, MeshState before, MeshState after) {
        return new MeshChange(mesh, before, after, true, Set.of(), List.of());
    }

    /** A policy's version before and after the change; either may be null (created, deleted). */
    record PolicyChange(Resource before, Resource after) {
    }
}
