package dev.ursa.zone.xds.plugins.meshmetric;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshMetricPluginTest {
    // prometheus, Envoy: not applied yet: no prometheus listener (port 5670) and no extra cluster; the listeners and
    // clusters are the base mesh's (the validator's warning says so to the user).
    @Test
    void prometheus_envoy() throws Exception {
        Golden.check(getClass(), "prometheus", Flavour.ENVOY);
    }

    // prometheus, proxyless: nothing either.
    @Test
    void prometheus_proxyless() throws Exception {
        Golden.check(getClass(), "prometheus", Flavour.PROXYLESS);
    }
}
