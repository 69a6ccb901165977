package dev.ursa.zone.xds.plugins.meshloadbalancingstrategy;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshLoadBalancingStrategyPluginTest {
    @Test
    void ringHash_envoy() throws Exception {
        Golden.check(getClass(), "ring-hash", Flavour.ENVOY);
    }

    @Test
    void ringHash_proxyless() throws Exception {
        Golden.check(getClass(), "ring-hash", Flavour.PROXYLESS);
    }

}
