package dev.ursa.sync;

import com.google.protobuf.Any;
import dev.ursa.mesh.model.Resource;

/**
 * A resource as KDS carries it: its delta name ({@link Envelope#deltaName}), content-hash version and encoded envelope.
 */
public record VersionedResource(String name, String version, Resource resource, Any envelope) {
    public static VersionedResource of(Resource resource) {
        return new VersionedResource(Envelope.deltaName(resource), Envelope.version(resource), resource, Envelope.encode(resource));
    }

    public String label(String key) {
        return resource.meta().labels().get(key);
    }
}
