package dev.ursa.sync;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.ursa.sync.StoreSinkTest.incoming;
import static org.assertj.core.api.Assertions.assertThat;

/** What a zone sends is stored as that zone's: the global refuses a resource claiming another zone and stamps a ZoneIngress. */
class ZoneStampTest {
    final InMemoryStore store = new InMemoryStore();
    final StoreSink zone1 = StoreSink.fromZone(store, "zone-1");

    static Resource ingress(String name, String zoneLine) {
        return Fixtures.parse("""
                type: ZoneIngress
                name: %s
                %s
                networking:
                  address: 10.0.0.1
                  port: 10001
                """.formatted(name, zoneLine));
    }

    Optional<Resource> stored(ResourceKey key) {
        return store.get(key).toCompletableFuture().join();
    }

    @Test
    void aZoneIngressWithoutZoneGetsTheAuthenticatedOneAndTheZoneLabel() {
        assertThat(zone1.apply(ResourceTypes.ZONE_INGRESS, List.of(incoming(ingress("in-1", ""))), List.of())).isEmpty();
        Resource stored = stored(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", "zone-1.in-1")).orElseThrow();
        assertThat(stored.spec(ZoneIngressSpec.class).zone()).isEqualTo("zone-1");
        assertThat(stored.meta().labels()).containsEntry(KdsTypes.ZONE_LABEL, "zone-1");
    }

    @Test
    void aZoneIngressOfAnotherZoneIsRefusedAndNothingIsStored() {
        Map<String, String> failures = zone1.apply(ResourceTypes.ZONE_INGRESS,
                List.of(incoming(ingress("evil", "zone: zone-2")), incoming(ingress("own", "zone: zone-1"))), List.of());
        assertThat(failures).containsOnlyKeys("evil");
        assertThat(failures.get("evil")).contains("zone zone-1 cannot write a resource of another zone (spec.zone zone-2)");
        assertThat(stored(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", "zone-1.evil"))).isEmpty();
        assertThat(stored(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", "zone-1.own"))).isPresent();
    }

    @Test
    void aZoneLabelOrInboundZoneTagOfAnotherZoneIsRefused() {
        store.put(Fixtures.mesh("default"), Precondition.ANY).toCompletableFuture().join();
        Resource labelled = Fixtures.parse("""
                type: Dataplane
                mesh: default
                name: labelled
                labels:
                  kuma.io/zone: zone-2
                networking:
                  address: 10.0.0.2
                  inbound:
                  - port: 8080
                    tags:
                      kuma.io/service: backend
                """);
        Resource tagged = Fixtures.parse("""
                type: Dataplane
                mesh: default
                name: tagged
                networking:
                  address: 10.0.0.3
                  inbound:
                  - port: 8080
                    tags:
                      kuma.io/service: backend
                      kuma.io/zone: zone-2
                """);
        Resource own = Fixtures.dataplane("default", "own", "10.0.0.4");
        Map<String, String> failures = zone1.apply(ResourceTypes.DATAPLANE, List.of(incoming(labelled), incoming(tagged), incoming(own)), List.of());
        assertThat(failures).containsOnlyKeys("default/labelled", "default/tagged");
        assertThat(failures.get("default/labelled")).contains("label kuma.io/zone=zone-2");
        assertThat(failures.get("default/tagged")).contains("inbound tag kuma.io/zone=zone-2");
        assertThat(store.list(ListQuery.all(ResourceTypes.DATAPLANE)).toCompletableFuture().join().items())
                .extracting(r -> r.meta().name()).containsExactly("zone-1.own");
    }

    @Test
    void theGlobalsSinkAtAZoneStampsNothing() {
        Resource foreign = ingress("zone-2.in-1", "zone: zone-2");
        assertThat(StoreSink.fromGlobal(store).apply(ResourceTypes.ZONE_INGRESS, List.of(incoming(foreign)), List.of())).isEmpty();
        assertThat(stored(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", "zone-2.in-1")).orElseThrow().spec(ZoneIngressSpec.class).zone())
                .isEqualTo("zone-2");
    }
}
