package dev.ursa.zone.xds.plugins.meshcircuitbreaker;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshCircuitBreakerPluginTest {
    @Test
    void breakers_envoy() throws Exception {
        Golden.check(getClass(), "breakers", Flavour.ENVOY);
    }

    @Test
    void breakers_proxyless() throws Exception {
        Golden.check(getClass(), "breakers", Flavour.PROXYLESS);
    }

}
