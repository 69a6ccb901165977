package dev.ursa.sync.stream;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.sync.Fixtures;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.VersionedResource;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeltaReceiverTest {
    static final String TIMEOUTS = KdsTypes.typeUrl(ResourceTypes.MESH_TIMEOUT);
    final DeltaReceiver receiver = new DeltaReceiver(t -> t == ResourceTypes.MESH_TIMEOUT);

    static Resource proto(VersionedResource v) {
        return Resource.newBuilder().setName(v.name()).setVersion(v.version()).setResource(v.envelope()).build();
    }

    @Test
    void subscribesWithTheDigestOfWhatItHasAndWithEveryVersionWhenAsked() {
        Map<String, String> has = Map.of("default/a", "v1", "default/b", "v2");
        var req = receiver.subscribe(ResourceTypes.MESH_TIMEOUT, VersionDigest.of(has));
        assertThat(req.getTypeUrl()).isEqualTo(TIMEOUTS);
        assertThat(req.getResponseNonce()).isEmpty();
        assertThat(req.getInitialResourceVersionsMap()).containsExactly(Map.entry(VersionDigest.WIRE_NAME, VersionDigest.of(has).toString()));

        var batch = receiver.onResponse(VersionDigest.versionsWanted(TIMEOUTS, "1"));
        assertThat(batch.versionsWanted()).isTrue();
        assertThat(batch.removals()).isEmpty();
        assertThat(receiver.synced(ResourceTypes.MESH_TIMEOUT)).isFalse();
        var again = receiver.subscribeWithVersions(ResourceTypes.MESH_TIMEOUT, has);
        assertThat(again.getResponseNonce()).isEmpty();
        assertThat(again.getInitialResourceVersionsMap()).isEqualTo(has);
    }

    @Test
    void subscribesWithNothingWhenItHasNothing() {
        assertThat(receiver.subscribe(ResourceTypes.MESH_TIMEOUT, VersionDigest.EMPTY).getInitialResourceVersionsMap()).isEmpty();
    }

    @Test
    void decodesGoodResourcesAndNacksExactlyTheBadOnes() throws Exception {
        VersionedResource good = VersionedResource.of(Fixtures.timeout("default", "good", "10s"));
        Resource garbage = Resource.newBuilder().setName("default/garbage").setVersion("g")
                .setResource(Any.newBuilder().setTypeUrl(TIMEOUTS).setValue(ByteString.copyFromUtf8("\u0000\u0001"))).build();
        VersionedResource misnamed = VersionedResource.of(Fixtures.timeout("default", "real", "10s"));
        Resource lying = proto(misnamed).toBuilder().setName("default/other").build();
        var response = DeltaDiscoveryResponse.newBuilder().setTypeUrl(TIMEOUTS).setNonce("1")
                .addResources(proto(good)).addResources(garbage).addResources(lying).addRemovedResources("default/old").build();

        var batch = receiver.onResponse(response);
        assertThat(batch.upserts()).hasSize(3);
        assertThat(batch.upserts().get(0).resource()).isNotNull();
        assertThat(batch.upserts().get(1).error()).isNotBlank();
        assertThat(batch.upserts().get(2).error()).contains("not default/other");
        assertThat(batch.removals()).containsExactly("default/old");

        var nack = receiver.complete(batch, Map.of("default/garbage", batch.upserts().get(1).error(), "default/other", "misnamed"));
        assertThat(nack.getResponseNonce()).isEqualTo("1");
        assertThat(nack.getErrorDetail().getCode()).isNotZero();
        assertThat(nack.getErrorDetail().getDetails(0).unpack(ErrorInfo.class).getMetadataMap()).containsOnlyKeys("default/garbage", "default/other");
        assertThat(receiver.synced(ResourceTypes.MESH_TIMEOUT)).isTrue();
    }

    @Test
    void unknownTypeIsAckedAndIgnored() {
        var response = DeltaDiscoveryResponse.newBuilder().setTypeUrl("type.ursa.dev/kds.v1.MeshFuture").setNonce("7")
                .addResources(Resource.newBuilder().setName("x")).build();
        var batch = receiver.onResponse(response);
        assertThat(batch.ignored()).isTrue();
        var ack = receiver.complete(batch, Map.of());
        assertThat(ack.hasErrorDetail()).isFalse();
        assertThat(ack.getResponseNonce()).isEqualTo("7");
    }

    @Test
    void aSenderFromBeforeDigestsResendsEverythingAndItsRemovalOfTheDigestIsIgnored() throws Exception {
        VersionedResource good = VersionedResource.of(Fixtures.timeout("default", "good", "10s"));
        var response = DeltaDiscoveryResponse.newBuilder().setTypeUrl(TIMEOUTS).setNonce("7")
                .addResources(proto(good)).addRemovedResources(VersionDigest.WIRE_NAME).build();

        var batch = receiver.onResponse(response);
        assertThat(batch.versionsWanted()).isFalse();
        assertThat(batch.upserts()).extracting(DeltaReceiver.Incoming::name).containsExactly("default/good");
        assertThat(batch.removals()).isEmpty();
        assertThat(receiver.complete(batch, Map.of()).hasErrorDetail()).isFalse();
    }
}
