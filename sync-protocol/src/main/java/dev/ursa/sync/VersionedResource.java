package dev.ursa.sync;

import com.google.protobuf.Any;
import dev.ursa.mesh.model.Resource;
import dev.ursa.sync.stream.VersionDigest;

/**
 * A resource as KDS carries it: its delta name ({@link Envelope#deltaName}), content-hash version, encoded envelope,
 * and the digest of its (name, version) pair, so a resume check over thousands of resources hashes nothing.
 */
public record VersionedResource(String name, String version, Resource resource, Any envelope, VersionDigest digest) {
    public static VersionedResource of(Resource resource) {
        String name = Envelope.deltaName(resource);
        String version = Envelope.version(resource);
        return new VersionedResource(name, version, resource, Envelope.encode(resource), VersionDigest.entry(name, version));
    }

    public String label(String key) {
        return resource.meta().labels().get(key);
    }
}
