package dev.ursa.zone.xds.plugins.meshhealthcheck;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshHealthCheckPluginTest {
    @Test
    void healthChecks_envoy() throws Exception {
        Golden.check(getClass(), "health-checks", Flavour.ENVOY);
    }

    @Test
    void absentHeaderValue_envoy() throws Exception {
        Golden.check(getClass(), "absent-header-value", Flavour.ENVOY);
    }

}
