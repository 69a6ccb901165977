package dev.ursa.zone.xds.plugins.meshratelimit;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshRateLimitPluginTest {
    // every-client, Envoy: inbound 8080 (HTTP): the connection limit first in the chain (tcp_rate_limit, 50 tokens per
    // 1s), then the HCM with envoy.filters.http.local_ratelimit (stat prefix only) before the router, and on its route
    // typed_per_filter_config: token bucket 10 per 1.5s (web's rate over the mesh-wide one), status 503 (ServiceUnavailable),
    // x-limited-by: mesh appended, x-rate-limited set twice ("true", "sidecar": Kuma splits a set value at commas),
    // enabled and enforced for 100 %. Inbound 9000 (TCP): the connection limit before the TCP proxy, no HTTP limit.
    @Test
    void everyClient_envoy() throws Exception {
        Golden.check(getClass(), "every-client", Flavour.ENVOY);
    }

    // every-client, proxyless: gRPC has no local rate limit filter: nothing of the policy anywhere.
    @Test
    void everyClient_proxyless() throws Exception {
        Golden.check(getClass(), "every-client", Flavour.PROXYLESS);
    }

    // disabled, Envoy: the request limit is off for web-1 (Dataplane policy over the mesh-wide one): no HTTP rate limit
    // filter, no per-route config; the connection limit (50 per 1s) first in the inbound's chain.
    @Test
    void disabled_envoy() throws Exception {
        Golden.check(getClass(), "disabled", Flavour.ENVOY);
    }

    // status-only, Envoy: 7 requests per 1s on the route, no status (444 is not an Envoy StatusCode: Envoy's 429).
    @Test
    void statusOnly_envoy() throws Exception {
        Golden.check(getClass(), "status-only", Flavour.ENVOY);
    }

    // identities, Envoy (mesh mTLS): no per-route config; before the router, three filters wrapped in ExtensionWithMatcher:
    // .../client-1 (5 per 1s, status 429, x-limited-by appended) skipped unless a URI SAN starts with
    // spiffe://default/frontend and none is spiffe://default/frontend-admin; .../other-clients (100 per 10s,
    // x-limited-by) skipped when a URI SAN matches either rule. frontend-admin (client-0) is disabled: no filter. The SNI
    // rule renders nothing.
    @Test
    void identities_envoy() throws Exception {
        Golden.check(getClass(), "identities", Flavour.ENVOY);
    }

    // identities, proxyless: nothing rendered.
    @Test
    void identities_proxyless() throws Exception {
        Golden.check(getClass(), "identities", Flavour.PROXYLESS);
    }

    @Test
    void proxylessIsSaidNotApplied() {
        assertThat(new MeshRateLimitPlugin().notApplied(Flavour.PROXYLESS)).contains(MeshRateLimitPlugin.PROXYLESS_NOTE);
        assertThat(new MeshRateLimitPlugin().notApplied(Flavour.ENVOY)).isEmpty();
    }
}
