package dev.ursa.global.kds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.ursa.global.kds.GlobalKdsTest.parse;
import static dev.ursa.global.kds.KdsTestZones.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Who a zone is comes from its token, never from what it sends: a crafted zone client sending another zone's
 * ZoneIngress or Dataplane gets them refused; two zone CPs with one zone name: the newer wins, nothing is deleted.
 */
@QuarkusTest
@TestProfile(GlobalKdsTest.Profile.class)
class KdsZoneIdentityTest {
    @Inject
    KdsServer kds;
    @Inject
    ResourceStore store;

    KdsTestZones zones;
    final List<AutoCloseable> subscriptions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        RestAssuredYaml.enable();
        zones = new KdsTestZones(kds.port());
        given().contentType("application/json").body("{\"type\":\"Mesh\",\"name\":\"default\"}").put("/meshes/default");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable s : subscriptions) s.close();
        zones.close();
    }

    Optional<Resource> atGlobal(ResourceKey key) {
        return store.get(key).toCompletableFuture().join();
    }

    static void put(InMemoryStore s, String yaml) {
        s.put(parse(yaml), Precondition.ANY).toCompletableFuture().join();
    }

    static String ingress(String name, String zone) {
        return "type: ZoneIngress\nname: " + name + "\n" + (zone == null ? "" : "zone: " + zone + "\n")
                + "networking:\n  address: 10.0.0.9\n  port: 10001\n";
    }

    static String dataplane(String name, String labels) {
        return "type: Dataplane\nmesh: default\nname: " + name + "\n" + labels
                + "networking:\n  address: 10.0.0.1\n  inbound:\n  - port: 8080\n    tags:\n      kuma.io/service: backend\n";
    }

    @Test
    void aCraftedZoneCannotWriteAsAnotherZoneAndWhatItMayWriteIsStampedWithItsOwnZone() throws Exception {
        InMemoryStore crafted = new InMemoryStore();
        put(crafted, "type: Mesh\nname: default\n");
        put(crafted, ingress("own", "zone-s"));
        put(crafted, ingress("blank", null));
        put(crafted, ingress("evil", "zone-victim"));
        put(crafted, dataplane("dp-ok", ""));
        put(crafted, dataplane("dp-evil", "labels:\n  kuma.io/zone: zone-victim\n"));
        zones.zone("zone-s", token("zone-s", "1h"), crafted).synced().get(10, TimeUnit.SECONDS);

        ResourceKey own = ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", "zone-s.own");
        ResourceKey blank = ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", "zone-s.blank");
        ResourceKey dpOk = ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-s.dp-ok");
        Await.until("the zone's acceptable resources at the global", GlobalKdsTest.WAIT, () -> atGlobal(own).isPresent() && atGlobal(blank).isPresent() && atGlobal(dpOk).isPresent());
        // Same batches as the accepted ones: already refused, not pending.
        assertThat(atGlobal(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", "zone-s.evil"))).isEmpty();
        assertThat(atGlobal(ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-s.dp-evil"))).isEmpty();
        assertThat(atGlobal(blank).orElseThrow().spec(ZoneIngressSpec.class).zone()).as("stamped").isEqualTo("zone-s");
        assertThat(atGlobal(own).orElseThrow().meta().labels()).containsEntry("kuma.io/zone", "zone-s");
        assertThat(atGlobal(dpOk).orElseThrow().meta().labels()).containsEntry("kuma.io/zone", "zone-s");
        // Nothing of the victim zone exists at the global.
        given().get("/zoneingresses").then().statusCode(200).body("items.findAll { it.zone == 'zone-victim' }.size()", equalTo(0));
    }

    @Test
    void twoZoneCpsWithOneNameTheNewerWinsTheOlderIsToldWhyAndTheZonesResourcesStayIntact() throws Exception {
        String token = token("zone-n", "1h");
        InMemoryStore first = new InMemoryStore();
        InMemoryStore second = new InMemoryStore();
        for (InMemoryStore s : List.of(first, second)) {
            put(s, "type: Mesh\nname: default\n");
            put(s, dataplane("dp-1", ""));
        }
        ResourceKey dp = ResourceKey.of(ResourceTypes.DATAPLANE, "default", "zone-n.dp-1");
        List<ChangeEvent> deletions = new CopyOnWriteArrayList<>();
        subscriptions.add(store.changes().subscribe(e -> {
            if (e.kind() == ChangeKind.DELETED && e.key().name().startsWith("zone-n.")) deletions.add(e);
        }));

        KdsTestZones.Zone older = zones.zone("zone-n", token, first);
        older.synced().get(10, TimeUnit.SECONDS);
        Await.until("zone-n's Dataplane at the global", GlobalKdsTest.WAIT, () -> atGlobal(dp).isPresent());
        KdsTestZones.Zone newer = zones.zone("zone-n", token, second);

        Await.until("the older CP closed", GlobalKdsTest.WAIT, () -> older.refusedWith(Status.Code.ABORTED, "another zone CP connected as zone zone-n"));
        // Both keep running: they alternate, each swap after the displaced one's longest backoff.
        Await.until("the newer CP displaced in turn", GlobalKdsTest.WAIT, () -> newer.refusedWith(Status.Code.ABORTED, "another zone CP connected as zone zone-n"));
        older.client().close();
        newer.client().close();
        assertThat(deletions).as("zone-n resources deleted while its CPs swapped").isEmpty();
        assertThat(atGlobal(dp)).isPresent();
    }
}
