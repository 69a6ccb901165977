package dev.ursa.sync;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.PolicyType;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.model.TypeRegistry;
import dev.ursa.mesh.policy.common.TargetRef;
import dev.ursa.mesh.policy.common.TargetRefPolicy;
import dev.ursa.mesh.validation.SpecValidator;
import dev.ursa.sync.stream.DeltaReceiver;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The KDS type lists follow the policy descriptors: every registered policy type travels in its declared direction. */
class KdsTypesTest {
    record Extra(TargetRef targetRef) implements TargetRefPolicy {
    }

    // Orders no real type takes (real ones are below 1000; 910+ are being given to new types).
    static final PolicyType DOWN = PolicyType.of("MeshDown", "meshdowns", 10_910, Owner.GLOBAL, Extra.class, SpecValidator.none());
    static final PolicyType UP = PolicyType.of("MeshUp", "meshups", 10_920, Owner.ZONE, Extra.class, SpecValidator.none());

    @Test
    void thisBuildsPoliciesTravelFromTheGlobalAfterMeshesInRegistrationOrder() {
        List<ResourceType> expected = new ArrayList<>(List.of(ResourceTypes.MESH, ResourceTypes.SECRET, ResourceTypes.TOKEN_TRUST));
        expected.addAll(ResourceTypes.policies());
        expected.add(ResourceTypes.ZONE_INGRESS);
        assertThat(KdsTypes.globalToZone()).containsExactlyElementsOf(expected);
        assertThat(KdsTypes.zoneToGlobal()).containsExactly(ResourceTypes.ZONE_INGRESS, ResourceTypes.DATAPLANE, ResourceTypes.DATAPLANE_INSIGHT);
    }

    @Test
    void aRegisteredTypeTravelsInTheDirectionItsDescriptorSays() {
        TypeRegistry types = ResourceTypes.registry().withPolicy(DOWN).withPolicy(UP);
        assertThat(KdsTypes.globalToZone(types)).contains(DOWN.type()).doesNotContain(UP.type())
                .startsWith(ResourceTypes.MESH).endsWith(ResourceTypes.ZONE_INGRESS);
        assertThat(KdsTypes.zoneToGlobal(types)).contains(UP.type()).doesNotContain(DOWN.type());
        assertThat(KdsTypes.globalToZone()).doesNotContain(DOWN.type(), UP.type());
    }

    @Test
    void aReceiverGivenItsTypesDecodesATypeThisBuildDoesNotKnow() {
        Resource r = new Resource(DOWN.type(), Meta.fresh("default", "one", Map.of()), new Extra(null));
        VersionedResource v = VersionedResource.of(r);
        DeltaDiscoveryResponse.Builder builder = DeltaDiscoveryResponse.newBuilder().setTypeUrl(KdsTypes.typeUrl(DOWN.type())).setNonce("1");
        builder.addResourcesBuilder().setName(v.name()).setVersion(v.version()).setResource(v.envelope());
        DeltaDiscoveryResponse response = builder.build();

        DeltaReceiver.Batch batch = new DeltaReceiver(List.of(ResourceTypes.MESH, DOWN.type())).onResponse(response);
        assertThat(batch.type()).isEqualTo(DOWN.type());
        assertThat(batch.upserts()).singleElement().satisfies(in -> {
            assertThat(in.error()).isNull();
            assertThat(in.resource().key()).isEqualTo(r.key());
            assertThat(in.resource().spec()).isEqualTo(r.spec());
        });

        assertThat(new DeltaReceiver(t -> true).onResponse(response).ignored()).as("this build's types only").isTrue();
    }
}
