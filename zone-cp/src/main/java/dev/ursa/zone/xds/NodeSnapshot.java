package dev.ursa.zone.xds;

import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;

import java.util.List;

/**
 * A node's snapshot: the listeners, routes, clusters and endpoints it shares with every node of equal content (the
 * same objects, hashed once), plus its own secrets (its certificate). Immutable.
 */
final class NodeSnapshot extends Snapshot {
    private final Snapshot shared;
    private final SnapshotResources<Secret> secrets;

    private NodeSnapshot(Snapshot shared, SnapshotResources<Secret> secrets) {
        this.shared = shared;
        this.secrets = secrets;
    }

    /** {@code shared} itself when there are no secrets. */
    static Snapshot of(Snapshot shared, List<Secret> secrets, String version) {
        if (secrets.isEmpty()) return shared;
        return new NodeSnapshot(shared, SnapshotResources.create(secrets, version));
    }

    @Override
    public SnapshotResources<Cluster> clusters() {
        return shared.clusters();
    }

    @Override
    public SnapshotResources<ClusterLoadAssignment> endpoints() {
        return shared.endpoints();
    }

    @Override
    public SnapshotResources<Listener> listeners() {
        return shared.listeners();
    }

    @Override
    public SnapshotResources<RouteConfiguration> routes() {
        return shared.routes();
    }

    @Override
    public SnapshotResources<Secret> secrets() {
        return secrets;
    }
}
