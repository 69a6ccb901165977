package dev.ursa.global.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EventEncoderTest {
    private static final Instant AT = Instant.parse("2026-11-26T10:00:00.123456Z");
    private static final ResourceKey KEY = new ResourceKey("MeshTimeout", "default", "t1");

    @Test
    void createdCarriesSpecLabelsAndOriginZone() throws Exception {
        EventEncoder.Outgoing out = EventEncoder.resourceChanged(new ChangeEvent(KEY, ChangeKind.CREATED, 1, AT), Optional.of(stored(1)));
        JsonNode n = Json.JSON.readTree(out.value());

        assertThat(out.key()).isEqualTo("MeshTimeout/default/t1");
        assertThat(out.id()).isEqualTo("MeshTimeout/default/t1:CREATED:1:2026-11-26T10:00:00.123456Z");
        assertThat(n.path("id").asText()).isEqualTo(out.id());
        assertThat(n.path("event").asText()).isEqualTo("ResourceChanged");
        assertThat(n.path("kind").asText()).isEqualTo("CREATED");
        assertThat(n.path("type").asText()).isEqualTo("MeshTimeout");
        assertThat(n.path("mesh").asText()).isEqualTo("default");
        assertThat(n.path("name").asText()).isEqualTo("t1");
        assertThat(n.path("version").asLong()).isEqualTo(1);
        assertThat(n.path("at").asText()).isEqualTo(AT.toString());
        assertThat(n.path("zone").asText()).isEqualTo("zone-1");
        assertThat(n.path("labels").path("kuma.io/zone").asText()).isEqualTo("zone-1");
        assertThat(n.path("superseded").asBoolean()).isFalse();
        assertThat(n.at("/spec/to/0/default/idleTimeout").asText()).isEqualTo("5s");
    }

    @Test
    void aChangeReadAfterANewerWriteIsMarkedSupersededWithoutState() throws Exception {
        JsonNode n = Json.JSON.readTree(EventEncoder.resourceChanged(
                new ChangeEvent(KEY, ChangeKind.UPDATED, 2, AT), Optional.of(stored(3))).value());

        assertThat(n.path("superseded").asBoolean()).isTrue();
        assertThat(n.has("spec")).isFalse();
        assertThat(n.has("labels")).isFalse();
        assertThat(n.path("version").asLong()).isEqualTo(2);
    }

    @Test
    void deletedHasIdentityOnlyAndGlobalScopedTypesHaveNoMesh() throws Exception {
        EventEncoder.Outgoing out = EventEncoder.resourceChanged(
                new ChangeEvent(new ResourceKey("Mesh", "", "default"), ChangeKind.DELETED, 4, AT), Optional.empty());
        JsonNode n = Json.JSON.readTree(out.value());

        assertThat(out.key()).isEqualTo("Mesh//default");
        assertThat(n.path("kind").asText()).isEqualTo("DELETED");
        assertThat(n.has("mesh")).isFalse();
        assertThat(n.has("spec")).isFalse();
        assertThat(n.has("superseded")).isFalse();
    }

    @Test
    void sameChangeSameBytesWhicheverInstanceEncodesIt() {
        ChangeEvent change = new ChangeEvent(KEY, ChangeKind.UPDATED, 1, AT);
        assertThat(EventEncoder.resourceChanged(change, Optional.of(stored(1))).value())
                .isEqualTo(EventEncoder.resourceChanged(change, Optional.of(stored(1))).value());
    }

    @Test
    void zoneTransitionIsKeyedPerZone() throws Exception {
        EventEncoder.Outgoing out = EventEncoder.zoneConnectivity(new ZoneConnectivityChanged("east", false, AT));
        JsonNode n = Json.JSON.readTree(out.value());

        assertThat(out.key()).isEqualTo("ZoneConnectivity//east");
        assertThat(n.path("event").asText()).isEqualTo("ZoneConnectivityChanged");
        assertThat(n.path("zone").asText()).isEqualTo("east");
        assertThat(n.path("online").asBoolean()).isFalse();
        assertThat(n.path("id").asText()).isEqualTo("ZoneConnectivity//east:OFFLINE:" + AT);
    }

    private static Resource stored(long version) {
        try {
            Resource r = ResourceCodec.decode(Json.JSON.readTree("""
                    {"type":"MeshTimeout","mesh":"default","name":"t1","labels":{"kuma.io/zone":"zone-1"},
                     "spec":{"targetRef":{"kind":"Mesh"},"to":[{"targetRef":{"kind":"Mesh"},"default":{"idleTimeout":"5s"}}]}}"""));
            return r.withMeta(r.meta().stored(AT, AT, version));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
