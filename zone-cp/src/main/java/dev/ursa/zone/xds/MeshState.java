package dev.ursa.zone.xds;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.common.TargetRefKind;
import dev.ursa.mesh.policy.common.TargetRefPolicy;
import dev.ursa.zone.xds.mtls.MeshTrust;
import dev.ursa.zone.xds.render.EdsRef;
import dev.ursa.zone.xds.render.EndpointRenderer;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.DestinationIndex;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.EndpointSource;
import dev.ursa.zone.xds.view.MeshInputs;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One generation of one mesh: its inputs and endpoint index, immutable once built, plus what is computed from them
 * and shared by every node of the mesh (views and prepared configs per view key, EDS per cluster: one object each per
 * generation, however many clients). A change of the mesh builds a new generation; nothing here is ever updated.
 *
 * <p>Threads: built on the mesh mirror's thread and read from any thread; its memo maps are concurrent.
 */
final class MeshState {
    final MeshInputs inputs;
    final EndpointIndex index;
    /** The mesh's mTLS: its CAs, parsed once per Mesh or Secret change. */
    final MeshTrust.State trust;
    private final Map<EdsRef, ClusterLoadAssignment> assignments = new ConcurrentHashMap<>();
    private final Map<Set<EdsRef>, Eds> eds = new ConcurrentHashMap<>();
    /** Views by what they depend on; a view is the same for every node with equal inputs (many identical clients). */
    final Map<ViewKey, DataplaneView> views = new ConcurrentHashMap<>();
    /** Per view key: view, config and snapshot, shared by every node with that key in this mesh generation. */
    final Map<ViewKey, PreparedConfig> prepared = new ConcurrentHashMap<>();
    /** What proxyless clients apply for the services they call: read from every dataplane once per generation. */
    final DestinationIndex destinations;
    private volatile Boolean namesDataplanes;

    /** EDS for a set of clusters, with its version: shared by every node that uses the same clusters. */
    record Eds(List<ClusterLoadAssignment> assignments, String version) {
    }

    MeshState(MeshInputs inputs, EndpointIndex index) {
        this(inputs, index, MeshTrust.of(inputs));
    }

    MeshState(MeshInputs inputs, EndpointIndex index, MeshTrust.State trust) {
        this.inputs = inputs;
        this.index = index;
        this.trust = trust;
        this.destinations = new DestinationIndex(inputs);
    }

    /** A generation whose Mesh and Secrets are those of {@code trust}'s (read once per Mesh or Secret change). */
    MeshState(MeshInputs inputs, MeshTrust.State trust, List<EndpointSource> endpointSources) {
        this(inputs, EndpointIndex.build(inputs, endpointSources), trust);
    }

    Eds eds(Set<EdsRef> clusters) {
        return eds.computeIfAbsent(clusters, cs -> {
            List<ClusterLoadAssignment> list = assignments(cs);
            return new Eds(list, XdsResources.version(list));
        });
    }

    /** Whether a policy of the mesh selects dataplanes by name: only then does a node's name change its view. */
    boolean policiesNameDataplanes() {
        Boolean b = namesDataplanes;
        if (b == null) {
            b = inputs.policies().values().stream().flatMap(List::stream).anyMatch(MeshState::namesDataplanes);
            namesDataplanes = b;
        }
        return b;
    }

    /** Whether a policy selects dataplanes by name or labels (top-level {@code kind: Dataplane}). */
    static boolean namesDataplanes(Resource policy) {
        return policy.spec() instanceof TargetRefPolicy p && p.targetRefOrMesh().kind() == TargetRefKind.Dataplane;
    }

    List<ClusterLoadAssignment> assignments(Collection<EdsRef> clusters) {
        return clusters.stream().map(r -> assignments.computeIfAbsent(r, ref -> EndpointRenderer.render(ref, index)))
                .sorted(Comparator.comparing(ClusterLoadAssignment::getClusterName)).toList();
    }
}
