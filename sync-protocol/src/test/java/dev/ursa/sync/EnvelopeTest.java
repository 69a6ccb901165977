package dev.ursa.sync;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.validation.ValidationException;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.ursa.sync.Fixtures.parse;
import static dev.ursa.sync.Fixtures.timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeTest {
    @Test
    void roundTripsTypeMetaAndSpec() {
        Resource r = timeout("default", "t1", "10s");
        Any any = Envelope.encode(r);
        assertThat(any.getTypeUrl()).isEqualTo("type.ursa.dev/kds.v1.MeshTimeout");
        Resource back = Envelope.decode(any, ResourceTypes.MESH_TIMEOUT);
        assertThat(back.key()).isEqualTo(r.key());
        assertThat(back.spec()).isEqualTo(r.spec());
        assertThat(Envelope.deltaName(back)).isEqualTo("default/t1");
    }

    @Test
    void sameContentSameVersionWhateverTheStoreMetaOrKeyOrder() {
        Resource a = parse("""
                type: Dataplane
                mesh: default
                name: dp
                networking:
                  address: 10.0.0.1
                  inbound:
                  - port: 8080
                    tags: {kuma.io/service: backend, version: v1}
                """);
        Resource b = parse("""
                type: Dataplane
                mesh: default
                name: dp
                networking:
                  inbound:
                  - tags: {version: v1, kuma.io/service: backend}
                    port: 8080
                  address: 10.0.0.1
                """);
        Resource stored = b.withMeta(b.meta().stored(java.time.Instant.now(), java.time.Instant.now(), 7));
        assertThat(Envelope.version(a)).isEqualTo(Envelope.version(b)).isEqualTo(Envelope.version(stored));
        Resource other = Fixtures.dataplane("default", "dp", "10.0.0.2");
        assertThat(Envelope.version(other)).isNotEqualTo(Envelope.version(a));
    }

    @Test
    void syncLabelsDoNotChangeTheVersionOtherLabelsDo() {
        Resource r = timeout("default", "t1", "10s");
        Resource synced = r.withMeta(Meta.fresh("default", "t1", Map.of(KdsTypes.ORIGIN_LABEL, "global", KdsTypes.ZONE_LABEL, "z")));
        Resource labelled = r.withMeta(Meta.fresh("default", "t1", Map.of("team", "a")));
        assertThat(Envelope.version(synced)).isEqualTo(Envelope.version(r));
        assertThat(Envelope.version(labelled)).isNotEqualTo(Envelope.version(r));
    }

    @Test
    void rejectsWrongTypeGarbageAndInvalidSpecs() {
        Any timeout = Envelope.encode(timeout("default", "t1", "10s"));
        assertThatThrownBy(() -> Envelope.decode(timeout, ResourceTypes.MESH_RETRY)).isInstanceOf(ValidationException.class);
        Any garbage = Any.newBuilder().setTypeUrl(timeout.getTypeUrl()).setValue(ByteString.copyFromUtf8("{not json")).build();
        assertThatThrownBy(() -> Envelope.decode(garbage, ResourceTypes.MESH_TIMEOUT)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("malformed");
        Any invalid = Any.newBuilder().setTypeUrl(timeout.getTypeUrl()).setValue(ByteString.copyFromUtf8(
                "{\"type\":\"MeshTimeout\",\"mesh\":\"default\",\"name\":\"t\",\"spec\":{\"targetRef\":{\"kind\":\"Nope\"}}}")).build();
        assertThatThrownBy(() -> Envelope.decode(invalid, ResourceTypes.MESH_TIMEOUT)).isInstanceOf(ValidationException.class);
    }

    @Test
    void typeUrlsMapBackAndUnknownOnesAreEmpty() {
        assertThat(KdsTypes.byTypeUrl(KdsTypes.typeUrl(ResourceTypes.MESH))).contains(ResourceTypes.MESH);
        assertThat(KdsTypes.byTypeUrl("type.ursa.dev/kds.v1.MeshFutureThing")).isEmpty();
        assertThat(KdsTypes.byTypeUrl("type.googleapis.com/envoy.config.cluster.v3.Cluster")).isEmpty();
        assertThat(KdsTypes.globalToZone().getFirst()).isEqualTo(ResourceTypes.MESH);
    }
}
