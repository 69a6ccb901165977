package dev.ursa.zone.xds.plugins.meshtls;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/**
 * Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). MeshTLS is rendered with the inbound
 * TLS contexts of mesh mTLS, which this plugin does not build: its one case shows that a MeshTLS changes nothing yet.
 */
class MeshTLSPluginTest {
    // not-rendered-yet, Envoy: MeshTrafficPermission's deny-all-tcp case (its golden file, copied) with a mesh-wide
    // MeshTLS beside it renders exactly the same: the network RBAC filter on web-1's TCP inbound, no TLS context.
    @Test
    void notRenderedYet_envoy() throws Exception {
        Golden.check(getClass(), "not-rendered-yet", Flavour.ENVOY);
    }

    // not-rendered-yet, proxyless: the same as without MeshTLS (no inbound listeners).
    @Test
    void notRenderedYet_proxyless() throws Exception {
        Golden.check(getClass(), "not-rendered-yet", Flavour.PROXYLESS);
    }
}
