package dev.ursa.zone.xds.plugins.meshtimeout;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshTimeoutPluginTest {
    @Test
    void timeouts_envoy() throws Exception {
        Golden.check(getClass(), "timeouts", Flavour.ENVOY);
    }

    @Test
    void timeouts_proxyless() throws Exception {
        Golden.check(getClass(), "timeouts", Flavour.PROXYLESS);
    }

}
