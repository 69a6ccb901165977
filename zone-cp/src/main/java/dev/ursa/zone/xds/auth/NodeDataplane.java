package dev.ursa.zone.xds.auth;

import dev.ursa.mesh.model.Resource;
import dev.ursa.zone.xds.NodeId;
import dev.ursa.zone.xds.SelfRegistration;
import io.envoyproxy.envoy.config.core.v3.Node;

import java.util.Optional;
import java.util.function.Function;

/**
 * The Dataplane a connecting node will be served as, the way the engine picks it: one written through the API wins;
 * else the one the node brings in its metadata ({@value SelfRegistration#METADATA_KEY}, self-registration); else one
 * it self-registered earlier (its grace period still running); else none.
 */
public final class NodeDataplane {
    private NodeDataplane() {
    }

    /**
     * @param registered the Dataplane the engine holds for a node (its mirror of the store)
     * @throws IllegalArgumentException when the node's own Dataplane is not a valid Dataplane of its node id
     */
    public static Optional<Resource> of(NodeId id, Node node, Function<NodeId, Optional<Resource>> registered) {
        Optional<Resource> stored = registered.apply(id);
        if (stored.isPresent() && !SelfRegistration.isSelfRegistered(stored.get())) return stored;
        Resource own = SelfRegistration.parse(id, node);
        return own != null ? Optional.of(own) : stored;
    }
}
