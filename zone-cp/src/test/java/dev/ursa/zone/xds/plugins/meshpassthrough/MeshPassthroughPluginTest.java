package dev.ursa.zone.xds.plugins.meshpassthrough;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshPassthroughPluginTest {
    // matched, Envoy: the base config unchanged (no passthrough listener, no passthrough cluster): a MeshPassthrough has
    // no effect yet, which its validator warning says.
    @Test
    void matched_envoy() throws Exception {
        Golden.check(getClass(), "matched", Flavour.ENVOY);
    }

    // matched, proxyless: unchanged as well (gRPC clients have no passthrough).
    @Test
    void matched_proxyless() throws Exception {
        Golden.check(getClass(), "matched", Flavour.PROXYLESS);
    }
}
