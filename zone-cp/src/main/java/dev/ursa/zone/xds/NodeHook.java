package dev.ursa.zone.xds;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Serves one kind of xDS node on the zone's ADS port (dataplanes; zone ingresses). The ADS front door hands a stream's
 * first request to the first hook that {@link #handles} its node, and that stream's close and NACKs to the same hook.
 */
public interface NodeHook {
    boolean handles(Node node);

    /**
     * A stream's first request. Throw {@link IllegalArgumentException} to refuse the node with that message
     * ({@code INVALID_ARGUMENT}), or a {@link RequestException} to refuse it with a status of your own.
     */
    void connected(long streamId, Node node) throws RequestException;

    void disconnected(long streamId);

    /**
     * The node rejected a response of type {@code typeUrl} (already logged and counted by the front door);
     * {@code keptVersion} is the version it keeps (SotW; empty for delta).
     */
    default void nacked(long streamId, String typeUrl, String keptVersion, String error) {
    }

    /** A response of {@code typeUrl} was sent on the stream ({@code version}: its version_info / system_version_info). */
    default void responded(long streamId, String typeUrl, String version) {
    }

    /** The node ACKed a response of {@code typeUrl} ({@code version}: SotW's version_info; empty for delta). */
    default void acked(long streamId, String typeUrl, String version) {
    }

    /** Where a hook publishes the config of its nodes (keyed by the node's id as sent). */
    interface Snapshots {
        void set(String nodeId, Snapshot snapshot);

        void clear(String nodeId);
    }
}
