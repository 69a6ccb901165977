package dev.ursa.sync;

import dev.ursa.mesh.model.ResourceType;
import dev.ursa.sync.stream.DeltaReceiver.Incoming;
import dev.ursa.sync.stream.VersionDigest;

import java.util.List;
import java.util.Map;

/** Where a receiving side puts what its peer sends. */
public interface ResourceSink {
    /** The digest of what this side holds from the peer: a resume starts with it. */
    VersionDigest digest(ResourceType type);

    /** What this side holds from the peer, delta name -> version: a resume sends it when the peer's digest differs. */
    Map<String, String> versions(ResourceType type);

    /**
     * Applies creates and updates, then removals. Returns the resources that could not be applied (name -> reason);
     * throws {@link dev.ursa.mesh.store.StoreException.Unavailable} when the store cannot be reached at all.
     */
    Map<String, String> apply(ResourceType type, List<Incoming> upserts, List<String> removals);
}
