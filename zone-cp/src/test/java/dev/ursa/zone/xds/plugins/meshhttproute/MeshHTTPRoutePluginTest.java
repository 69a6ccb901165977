package dev.ursa.zone.xds.plugins.meshhttproute;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshHTTPRoutePluginTest {
    // split, Envoy: backend's outbound route table: route-0 matches prefix /api AND :method GET AND header x-canary=yes,
    // goes to subset cluster backend_version=v2 and sets x-routed: canary (request_headers_to_add, OVERWRITE_IF_EXISTS_OR_ADD);
    // route-1 prefix / splits weighted_clusters backend_version=v1 90 / backend_version=v2 10; a default route to the
    // whole backend cluster last. Subset clusters get their own EDS (one endpoint each).
    @Test
    void split_envoy() throws Exception {
        Golden.check(getClass(), "split", Flavour.ENVOY);
    }

    // split, proxyless: the same matches and 90/10 weighted_clusters in the RDS route config named "backend" (one
    // apiListener per service), without the header modifier (grpc-java does not apply request_headers_to_add).
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

    // extreme-weights, Envoy: route-0 (/none, every backend weight 0) is a direct_response 500, no weighted_clusters;
    // route-1 keeps the three non-zero backends, each 2^31-1 divided by ceil(3*(2^31-1) / (2^32-1-3)) = 2, i.e.
    // 1073741823 (sum 3221225469 <= uint32 max, shares unchanged), and drops the weight-0 one.
    @Test
    void extremeWeights_envoy() throws Exception {
        Golden.check(getClass(), "extreme-weights", Flavour.ENVOY);
    }

    // extreme-weights, proxyless: the same routes in the RDS config (gRPC fails a direct_response route UNAVAILABLE).
    @Test
    void extremeWeights_proxyless() throws Exception {
        Golden.check(getClass(), "extreme-weights", Flavour.PROXYLESS);
    }
}
