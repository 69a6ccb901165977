package dev.ursa.zone.xds.plugins.meshtrafficpermission;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshTrafficPermissionPluginTest {
    // permissions, Envoy: an RBAC http filter on web-1's inbound listener: allow-all becomes a policy allowing any
    // principal except the MeshSubset version=legacy one (kuma://version/legacy), the Deny carved out of the Allow;
    // admin (spiffe://default/admin) allowed by web-deny-legacy's second entry.
    @Test
    void permissions_envoy() throws Exception {
        Golden.check(getClass(), "permissions", Flavour.ENVOY);
    }

}
