package dev.ursa.sync;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.sync.stream.DeltaReceiver.Incoming;
import dev.ursa.sync.stream.VersionDigest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StoreSinkTest {
    final InMemoryStore store = new InMemoryStore();

    static Incoming incoming(Resource r) {
        return new Incoming(Envelope.deltaName(r), Envelope.version(r), r, null);
    }

    void put(Resource r) {
        store.put(r, Precondition.ANY).toCompletableFuture().join();
    }

    @Test
    void holdsOnlyWhatItReceivedFromItsPeerAndItsDigestMatchesThePeersView() {
        put(Fixtures.mesh("default"));
        Resource a = Fixtures.timeout("default", "a", "10s");
        Resource b = Fixtures.timeout("default", "b", "20s");
        StoreSink zone1 = StoreSink.fromZone(store, "zone-1");
        assertThat(zone1.apply(ResourceTypes.MESH_TIMEOUT, List.of(incoming(a), incoming(b)), List.of())).isEmpty();
        // Neither another zone's copy nor a local resource is held from zone-1.
        StoreSink.fromZone(store, "zone-2").apply(ResourceTypes.MESH_TIMEOUT, List.of(incoming(a)), List.of());
        put(Fixtures.timeout("default", "local", "30s").withMeta(Meta.fresh("default", "local", Map.of())));

        // Names and versions as the peer sent them (no prefix, the peer's content hash).
        Map<String, String> expected = Map.of("default/a", Envelope.version(a), "default/b", Envelope.version(b));
        assertThat(zone1.versions(ResourceTypes.MESH_TIMEOUT)).isEqualTo(expected);
        assertThat(zone1.digest(ResourceTypes.MESH_TIMEOUT)).isEqualTo(VersionDigest.of(expected));
        // A sender holding the same resources computes the same digest from its own index entries.
        assertThat(VersionedResource.of(a).digest().plus(VersionedResource.of(b).digest())).isEqualTo(VersionDigest.of(expected));

        zone1.apply(ResourceTypes.MESH_TIMEOUT, List.of(), List.of("default/b"));
        assertThat(zone1.digest(ResourceTypes.MESH_TIMEOUT)).isEqualTo(VersionDigest.of(Map.of("default/a", Envelope.version(a))));
    }
}
