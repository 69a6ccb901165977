package dev.ursa.zone.xds.plugins.meshloadbalancingstrategy;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/**
 * Golden files: input YAML in testdata/ rendered for web-1 in zone-1 (see {@link Golden}). Locality awareness cases:
 * cross-zone endpoints (default priorities), ordered failover with a threshold, None, disabled, local affinity.
 */
class MeshLoadBalancingStrategyPluginTest {
    @Test
    void ringHash_envoy() throws Exception {
        Golden.check(getClass(), "ring-hash", Flavour.ENVOY);
    }

    @Test
    void ringHash_proxyless() throws Exception {
        Golden.check(getClass(), "ring-hash", Flavour.PROXYLESS);
    }

    @Test
    void crossZone_envoy() throws Exception {
        Golden.check(getClass(), "cross-zone", Flavour.ENVOY);
    }

    @Test
    void crossZone_proxyless() throws Exception {
        Golden.check(getClass(), "cross-zone", Flavour.PROXYLESS);
    }

    @Test
    void failover_envoy() throws Exception {
        Golden.check(getClass(), "failover", Flavour.ENVOY);
    }

    @Test
    void failover_proxyless() throws Exception {
        Golden.check(getClass(), "failover", Flavour.PROXYLESS);
    }

    @Test
    void affinity_envoy() throws Exception {
        Golden.check(getClass(), "affinity", Flavour.ENVOY);
    }

    @Test
    void affinity_proxyless() throws Exception {
        Golden.check(getClass(), "affinity", Flavour.PROXYLESS);
    }
}
