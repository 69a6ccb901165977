package dev.ursa.zone.xds.plugins.meshtrafficpermission;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshTrafficPermissionPluginTest {
    @Test
    void permissions_envoy() throws Exception {
        Golden.check(getClass(), "permissions", Flavour.ENVOY);
    }

}
