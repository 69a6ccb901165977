package dev.ursa.zone.xds;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Serves xDS nodes that are not dataplanes (zone ingresses) on the same ADS port. The engine asks the hook first; a
 * node it {@link #handles} never reaches the {@code <mesh>.<name>} node-id parser.
 */
public interface NodeHook {
    boolean handles(Node node);

    /** A stream's first request; throw {@link IllegalArgumentException} to refuse the node with that message. */
    void connected(long streamId, Node node);

    void disconnected(long streamId);

    /** Where a hook publishes the config of its nodes (keyed by the node's id as sent). */
    interface Snapshots {
        void set(String nodeId, Snapshot snapshot);

        void clear(String nodeId);
    }
}
