package dev.ursa.zone.ingress;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.testsupport.Await;
import dev.ursa.zone.replicas.TestReplicas;
import dev.ursa.zone.xds.NodeHook;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two zone CP replicas' ingress registries on one store (standing in for their shared Postgres; the election is the
 * test's): a ZoneIngress stays while any live replica holds its ingress, moves with it, and the leader removes the one a
 * stopped replica held.
 */
class ZoneIngressReplicasTest {
    static final Duration GRACE = Duration.ofMillis(300);
    static final Duration WAIT = Duration.ofSeconds(10);

    final InMemoryStore store = new InMemoryStore();
    final TestReplicas replicas = new TestReplicas();
    ZoneIngressRegistry a;
    ZoneIngressRegistry b;

    @BeforeEach
    void start() {
        store.put(ZoneIngressRegistryTest.yaml("type: Mesh\nname: default\n"), Precondition.ANY).toCompletableFuture().join();
        a = registry("a");
        b = registry("b");
        replicas.lead("a");
        a.start();
        b.start();
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
    }

    ZoneIngressRegistry registry(String id) {
        NodeHook.Snapshots none = new NodeHook.Snapshots() {
            public void set(String nodeId, Snapshot s) {
            }

            public void clear(String nodeId) {
            }
        };
        return new ZoneIngressRegistry(store, "zone-1", GRACE, Duration.ofMillis(5), none, new SimpleMeterRegistry(),
                replicas.replica(id), Duration.ofMillis(100));
    }

    Optional<String> holder(String name) {
        return store.get(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", name)).toCompletableFuture().join()
                .map(Resource::meta).map(m -> m.labels().getOrDefault(ZoneIngressRegistry.HOLDER_LABEL, ""));
    }

    @Test
    void aZoneIngressFollowsItsIngressAcrossReplicasAndLeavesWhenItsReplicaStops() {
        b.connected(1, ZoneIngressRegistryTest.ingressNode("ingress-1"));
        Await.until("ingress-1 registered by b", WAIT, () -> holder("ingress-1").equals(Optional.of("b")));
        Await.holds("the leader keeps a ZoneIngress a live replica holds", GRACE.multipliedBy(4),
                () -> holder("ingress-1").equals(Optional.of("b")));

        a.connected(2, ZoneIngressRegistryTest.ingressNode("ingress-1")); // the ingress moved to a
        b.disconnected(1);
        Await.until("ingress-1 held by a", WAIT, () -> holder("ingress-1").equals(Optional.of("a")));
        Await.until("b's grace for ingress-1 over", WAIT, () -> b.pendingRemovals().isEmpty());
        Await.holds("b leaves the ZoneIngress a holds", GRACE.multipliedBy(4), () -> holder("ingress-1").equals(Optional.of("a")));

        replicas.lead("b");
        replicas.stop("a"); // a killed: its ingress stream is gone with it, nobody would remove its ZoneIngress
        Await.until("the new leader removed the ZoneIngress of the stopped replica", WAIT, () -> holder("ingress-1").isEmpty());
        assertThat(b.pendingRemovals()).isEmpty();
    }
}
