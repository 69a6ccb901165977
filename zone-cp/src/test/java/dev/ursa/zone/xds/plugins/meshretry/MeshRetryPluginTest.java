package dev.ursa.zone.xds.plugins.meshretry;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshRetryPluginTest {
    @Test
    void retries_envoy() throws Exception {
        Golden.check(getClass(), "retries", Flavour.ENVOY);
    }

    @Test
    void retries_proxyless() throws Exception {
        Golden.check(getClass(), "retries", Flavour.PROXYLESS);
    }

    @Test
    void statusCodes_envoy() throws Exception {
        Golden.check(getClass(), "status-codes", Flavour.ENVOY);
    }

}
