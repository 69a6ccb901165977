package dev.ursa.zone.xds.plugins.meshhttproute;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshHTTPRoutePluginTest {
    @Test
    void split_envoy() throws Exception {
        Golden.check(getClass(), "split", Flavour.ENVOY);
    }

    @Test
    void split_proxyless() throws Exception {
        Golden.check(getClass(), "split", Flavour.PROXYLESS);
    }

    @Test
    void absentValues_envoy() throws Exception {
        Golden.check(getClass(), "absent-values", Flavour.ENVOY);
    }

    @Test
    void absentValues_proxyless() throws Exception {
        Golden.check(getClass(), "absent-values", Flavour.PROXYLESS);
    }

}
