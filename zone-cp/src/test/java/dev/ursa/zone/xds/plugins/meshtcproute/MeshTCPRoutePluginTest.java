package dev.ursa.zone.xds.plugins.meshtcproute;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshTCPRoutePluginTest {
    // split, Envoy: outbound:...:10003 (db) tcp_proxy weighted_clusters db_version=v1 75 / db_version=v2 25, subset
    // clusters with their own EDS (db-3 and db-2); outbound:...:10001 (backend, HTTP, no MeshHTTPRoute) becomes a
    // tcp_proxy to cluster backend-canary (no HTTP connection manager, no route config "outbound:backend");
    // outbound:...:10002 (grpc-api) keeps its HTTP connection manager and the MeshHTTPRoute's route-0 (the HTTP route wins).
    @Test
    void split_envoy() throws Exception {
        Golden.check(getClass(), "split", Flavour.ENVOY);
    }

    // split, proxyless: the TCP route does not apply (gRPC speaks HTTP/2): db and backend keep their default routes,
    // grpc-api has the MeshHTTPRoute's route-0; no subset cluster of db, no backend-canary cluster.
    @Test
    void split_proxyless() throws Exception {
        Golden.check(getClass(), "split", Flavour.PROXYLESS);
    }

    // precedence, Envoy: db's tcp_proxy splits weighted_clusters db_version=v2 3 / db 1 (web-only's last item wins;
    // grpc-api at weight 0 left out, no grpc-api route from the first item); backend's tcp_proxy goes to cluster
    // backend_ursa.dev/no-backend=true, whose EDS has no endpoints (every backend of mesh-wide's rule has weight 0).
    @Test
    void precedence_envoy() throws Exception {
        Golden.check(getClass(), "precedence", Flavour.ENVOY);
    }
}
