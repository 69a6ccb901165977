package dev.ursa.zone.xds.plugins.meshloadbalancingstrategy;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.policy.meshloadbalancingstrategy.MeshLoadBalancingStrategySpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LocalityPolicyTest {
    static MeshLoadBalancingStrategySpec.Conf conf(String localityAwareness) {
        String yaml = """
                type: MeshLoadBalancingStrategy
                mesh: default
                name: p
                spec:
                  targetRef: {kind: Mesh}
                  to:
                    - targetRef: {kind: Mesh}
                      default:
                        localityAwareness:
                %s""".formatted(localityAwareness.indent(10));
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        return r.spec(MeshLoadBalancingStrategySpec.class).to().get(0).conf();
    }

    @Test
    void withoutPolicyLocalFirstThenEveryOtherZone() {
        LocalityPolicy p = LocalityPolicy.of("zone-1", null, Map.of());
        assertThat(p.priorityOf("zone-1")).contains(0);
        assertThat(p.priorityOf("zone-2")).contains(1);
        assertThat(p.priorityOf("zone-3")).contains(1);
        assertThat(p.overprovisioningFactor()).isEqualTo(200);
    }

    @Test
    void failoverEntriesGivePrioritiesInOrderFilteredByFromAndExcludeTheRest() {
        LocalityPolicy p = LocalityPolicy.of("zone-1", conf("""
                crossZone:
                  failover:
                    - from: {zones: [zone-9]}
                      to: {type: Any}
                    - to: {type: Only, zones: [zone-2]}
                    - to: {type: None}
                    - from: {zones: [zone-1]}
                      to: {type: AnyExcept, zones: [zone-4]}
                  failoverThreshold: {percentage: 70}
                """), Map.of());
        assertThat(p.priorityOf("zone-1")).contains(0);
        assertThat(p.priorityOf("zone-2")).contains(2);
        assertThat(p.priorityOf("zone-3")).contains(4);
        assertThat(p.priorityOf("zone-4")).isEmpty();
        assertThat(p.overprovisioningFactor()).isEqualTo(143);
    }

    /** Found by AcceptedResourcesRenderPropertyTest: a valid tiny threshold overflowed the factor and broke the render. */
    @Test
    void aTinyFailoverThresholdSaturatesTheFactorInsteadOfOverflowing() {
        assertThat(LocalityPolicy.of("zone-1", conf("crossZone: {failoverThreshold: {percentage: 0.000001}}\n"), Map.of())
                .overprovisioningFactor()).isEqualTo(Integer.MAX_VALUE);
        assertThat(LocalityPolicy.of("zone-1", conf("crossZone: {failoverThreshold: {percentage: \"1e-999999\"}}\n"), Map.of())
                .overprovisioningFactor()).isEqualTo(Integer.MAX_VALUE);
        assertThat(LocalityPolicy.of("zone-1", conf("crossZone: {failoverThreshold: {percentage: \"0.0001\"}}\n"), Map.of())
                .overprovisioningFactor()).isEqualTo(100_000_000);
        assertThat(LocalityPolicy.of("zone-1", conf("crossZone: {failoverThreshold: {percentage: 100}}\n"), Map.of())
                .overprovisioningFactor()).isEqualTo(100);
    }

    @Test
    void noneAloneKeepsTrafficLocal() {
        LocalityPolicy p = LocalityPolicy.of("zone-1", conf("""
                crossZone:
                  failover:
                    - to: {type: None}
                """), Map.of());
        assertThat(p.priorityOf("zone-2")).isEmpty();
        assertThat(p.priorityOf("zone-1")).contains(0);
    }

    @Test
    void disabledPutsEveryZoneAtPriorityZero() {
        LocalityPolicy p = LocalityPolicy.of("zone-1", conf("disabled: true\n"), Map.of());
        assertThat(p.priorityOf("zone-2")).contains(0);
    }

    @Test
    void affinityTagsUseTheClientsValuesAndKumasDefaultWeights() {
        LocalityPolicy p = LocalityPolicy.of("zone-1", conf("""
                localZone:
                  affinityTags:
                    - key: k8s.io/node
                    - key: k8s.io/az
                """), Map.of("k8s.io/node", "n1", "k8s.io/az", "a"));
        assertThat(p.affinity()).containsExactly(new LocalityPolicy.AffinityGroup("k8s.io/node", "n1", 90),
                new LocalityPolicy.AffinityGroup("k8s.io/az", "a", 9));
        assertThat(p.affinityOf(Map.of("k8s.io/node", "n2", "k8s.io/az", "a"))).map(LocalityPolicy.AffinityGroup::weight).contains(9);
        assertThat(p.affinityOf(Map.of("k8s.io/az", "b"))).isEqualTo(Optional.empty());
        assertThat(p.localityWeighted()).isTrue();
    }
}
