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

    // matches, Envoy: backend's routes in rule order: route-0 path exact /login AND :method POST AND query user=admin
    // (exact) to weighted_clusters with only backend_version=v2 (weight 1; the weight-0 v1 backend is left out);
    // route-1 safe_regex ^/v[0-9]+/items$ AND present_match x-debug AND present_match false (absent) x-legacy, and
    // route-2 prefix /items AND x-tenant prefix acme- (the rule's two matches, one route each), both to backend with
    // request_headers_to_add x-trace: 1 APPEND_IF_EXISTS_OR_ADD, request_headers_to_remove x-internal,
    // response_headers_to_add cache-control: no-store OVERWRITE_IF_EXISTS_OR_ADD, response_headers_to_remove server;
    // the default catch-all last.
    @Test
    void matches_envoy() throws Exception {
        Golden.check(getClass(), "matches", Flavour.ENVOY);
    }

    // matches, proxyless: route-0 is left out (grpc-java ignores a route with query-parameter matches), so the two
    // /items routes are route-0 and route-1, without the header filters; the catch-all last.
    @Test
    void matches_proxyless() throws Exception {
        Golden.check(getClass(), "matches", Flavour.PROXYLESS);
    }

    // precedence, Envoy: route-0 prefix /api to backend_version=v2 (web-only, the more specific policy, wins the equal
    // matches), route-1 prefix /static to backend_version=v1 (mesh-wide's other rule); mesh-wide's /api rule dropped;
    // the catch-all last. Subset clusters backend_version=v1 and =v2 with their own EDS.
    @Test
    void precedence_envoy() throws Exception {
        Golden.check(getClass(), "precedence", Flavour.ENVOY);
    }

    // precedence, proxyless: the same routes in the same order in route config "backend".
    @Test
    void precedence_proxyless() throws Exception {
        Golden.check(getClass(), "precedence", Flavour.PROXYLESS);
    }

    // protocols, Envoy: backend (HTTP) and grpc-api (gRPC) route tables: route-0 prefix / (a match without a path
    // matches every path, as in Kuma) AND header x-canary exact "true", route-1 prefix /health with request header
    // x-probe: 1 (OVERWRITE_IF_EXISTS_OR_ADD), each to the destination's own cluster, then the catch-all; db (TCP)
    // keeps its tcp_proxy listener and has no route table, although the route names it.
    @Test
    void protocols_envoy() throws Exception {
        Golden.check(getClass(), "protocols", Flavour.ENVOY);
    }

    // protocols, proxyless: backend, grpc-api and db (TCP for a sidecar, a gRPC service for a gRPC client) all get
    // route-0 and route-1 to their own cluster, without the header filter, then the catch-all; web (not named) keeps
    // its catch-all only.
    @Test
    void protocols_proxyless() throws Exception {
        Golden.check(getClass(), "protocols", Flavour.PROXYLESS);
    }
}
