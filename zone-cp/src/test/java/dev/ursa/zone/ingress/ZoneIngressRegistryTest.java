package dev.ursa.zone.ingress;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.crosszone.CrossZoneNames;
import dev.ursa.mesh.crosszone.IngressXds;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.testsupport.Await;
import dev.ursa.zone.xds.NodeHook;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZoneIngressRegistryTest {
    final InMemoryStore store = new InMemoryStore();
    final Map<String, Snapshot> published = new ConcurrentHashMap<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ZoneIngressRegistry registry = new ZoneIngressRegistry(store, "zone-2", Duration.ofMillis(300), Duration.ofMillis(5),
            new NodeHook.Snapshots() {
                public void set(String nodeId, Snapshot s) {
                    published.put(nodeId, s);
                }

                public void clear(String nodeId) {
                    published.remove(nodeId);
                }
            }, meters);

    @AfterEach
    void stop() throws Exception {
        registry.close();
    }

    static Resource yaml(String doc) {
        return ResourceCodec.decode(ResourceCodec.parse(doc.getBytes(StandardCharsets.UTF_8), Format.YAML));
    }

    void put(String doc) {
        store.put(yaml(doc), Precondition.ANY).toCompletableFuture().join();
    }

    void backend(String name, String address, boolean ready) {
        put("""
                type: Dataplane
                mesh: default
                name: %s
                networking:
                  address: %s
                  inbound:
                  - port: 8080
                    tags:
                      kuma.io/service: backend
                      kuma.io/protocol: grpc
                    %s
                """.formatted(name, address, ready ? "" : "state: NotReady"));
    }

    static Node ingressNode(String name) {
        Struct meta = Struct.newBuilder()
                .putFields("address", Value.newBuilder().setStringValue("10.0.2.1").build())
                .putFields("port", Value.newBuilder().setNumberValue(10001).build())
                .putFields("advertisedAddress", Value.newBuilder().setStringValue("203.0.113.2").build())
                .putFields("advertisedPort", Value.newBuilder().setNumberValue(443).build())
                .build();
        return Node.newBuilder().setId(IngressXds.nodeId(name))
                .setMetadata(Struct.newBuilder().putFields(IngressXds.NODE_METADATA, Value.newBuilder().setStructValue(meta).build())).build();
    }

    Optional<ZoneIngressSpec> stored(String name) {
        return store.get(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", name)).toCompletableFuture().join()
                .map(r -> r.spec(ZoneIngressSpec.class));
    }

    long storedVersion(String name) {
        return store.get(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", name)).toCompletableFuture().join().orElseThrow().meta().version();
    }

    int instances(String name) {
        return stored(name).map(s -> s.services().stream().filter(a -> "backend".equals(a.serviceName()))
                .mapToInt(ZoneIngressSpec.AvailableService::instancesOrZero).sum()).orElse(-1);
    }

    @Test
    void registersTheIngressAdvertisesInstancesOnlyOnAggregateChangesAndRemovesItAfterGrace() throws Exception {
        put("type: Mesh\nname: default\n");
        backend("backend-1", "10.0.2.10", true);
        registry.start();
        assertThat(registry.handles(ingressNode("ingress-a"))).isTrue();
        registry.connected(1, ingressNode("ingress-a"));

        Await.until("ZoneIngress registered with 1 instance", Duration.ofSeconds(5), () -> instances("ingress-a") == 1);
        ZoneIngressSpec spec = stored("ingress-a").orElseThrow();
        assertThat(spec.zone()).isEqualTo("zone-2");
        assertThat(spec.networking().advertisedAddress()).isEqualTo("203.0.113.2");
        assertThat(spec.networking().advertisedPort()).isEqualTo(443);
        assertThat(spec.networking().port()).isEqualTo(10001);
        assertThat(spec.services().getFirst().mesh()).isEqualTo("default");

        // The routing table the ingress node gets: one cluster named by the SNI, endpoint inline, names in metadata.
        Await.until("routing table published", Duration.ofSeconds(5), () -> published.containsKey("ingress/ingress-a"));
        Cluster c = clusters("ingress/ingress-a").getFirst();
        assertThat(c.getName()).isEqualTo(CrossZoneNames.sni("default", "backend"));
        assertThat(c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress())
                .isEqualTo("10.0.2.10");
        assertThat(c.getMetadata().getFilterMetadataOrThrow(IngressXds.CLUSTER_METADATA).getFieldsOrThrow("authorities")
                .getListValue().getValuesList()).extracting(Value::getStringValue).contains("backend");

        // Scale up: written. An address change that keeps tags and counts: the table changes, the ZoneIngress does not.
        backend("backend-2", "10.0.2.11", true);
        Await.until("2 instances", Duration.ofSeconds(5), () -> instances("ingress-a") == 2);
        long version = storedVersion("ingress-a");
        double writes = meters.get("ursa_zone_ingress_writes").counter().count();
        backend("backend-2", "10.0.2.12", true);
        Await.until("table has the new address", Duration.ofSeconds(5), () -> clusters("ingress/ingress-a").getFirst().getLoadAssignment()
                .getEndpoints(0).getLbEndpointsList().stream().anyMatch(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress().equals("10.0.2.12")));
        assertThat(storedVersion("ingress-a")).as("aggregate unchanged: not rewritten").isEqualTo(version);
        assertThat(meters.get("ursa_zone_ingress_writes").counter().count()).isEqualTo(writes);
        // Not ready: not counted.
        backend("backend-2", "10.0.2.12", false);
        Await.until("back to 1 instance", Duration.ofSeconds(5), () -> instances("ingress-a") == 1);

        // Gone for longer than the grace period: removed.
        registry.disconnected(1);
        Await.until("ZoneIngress removed", Duration.ofSeconds(5), () -> stored("ingress-a").isEmpty());
        assertThat(published).doesNotContainKey("ingress/ingress-a");
    }

    @Test
    void reconnectWithinGraceKeepsTheZoneIngress() {
        put("type: Mesh\nname: default\n");
        registry.start();
        registry.connected(1, ingressNode("ingress-b"));
        Await.until("registered", Duration.ofSeconds(5), () -> stored("ingress-b").isPresent());
        long version = storedVersion("ingress-b");

        // The last stream closes: the removal is scheduled (seen, not assumed).
        registry.disconnected(1);
        Await.until("removal of ingress-b scheduled", Duration.ofSeconds(5), () -> registry.pendingRemovals().contains("ingress-b"));
        // A new stream within the grace period. Then wait for the known later event: no removal pending any more
        // (cancelled by the reconnect, or run and found the ingress connected). The removal is the only thing that
        // deletes a ZoneIngress, so from here on its fate is decided: no time window has to be guessed.
        registry.connected(2, ingressNode("ingress-b"));
        Await.until("the removal of ingress-b resolved", Duration.ofSeconds(5), () -> registry.pendingRemovals().isEmpty());
        assertThat(stored("ingress-b")).as("kept through the reconnect").isPresent();
        assertThat(storedVersion("ingress-b")).as("and not rewritten").isEqualTo(version);

        // The known later event: once its last stream closes for good, the same ZoneIngress IS removed after the grace
        // period, so the removal path was live all along and "kept" above is not "never removes anything".
        registry.disconnected(2);
        Await.until("ZoneIngress removed after its last stream closed", Duration.ofSeconds(5), () -> stored("ingress-b").isEmpty());
        assertThat(registry.pendingRemovals()).isEmpty();
    }

    @Test
    void badIngressNodesAreRefusedWithAReason() {
        assertThatThrownBy(() -> registry.connected(1, Node.newBuilder().setId("ingress/x").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(IngressXds.NODE_METADATA);
        assertThatThrownBy(() -> registry.connected(1, Node.newBuilder().setId("ingress/bad name!").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThat(registry.handles(Node.newBuilder().setId("default.backend-1").build())).isFalse();
    }

    List<Cluster> clusters(String nodeId) {
        Snapshot s = published.get(nodeId);
        return List.copyOf(s.clusters().resources().values());
    }
}
