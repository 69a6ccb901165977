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

    // permissions, proxyless: a gRPC client has no inbound listener, so no RBAC anywhere.
    @Test
    void permissions_proxyless() throws Exception {
        Golden.check(getClass(), "permissions", Flavour.PROXYLESS);
    }

    // deny-all-tcp, Envoy: web-1's TCP inbound gets a network RBAC filter (stat_prefix inbound_8080_) before its
    // tcp_proxy, with rules of action ALLOW (the default, printed as "rules": {}) and no policy: nobody is allowed,
    // which is what a mesh-wide Deny means. (This web-1 declares only the backend outbound.)
    @Test
    void denyAllTcp_envoy() throws Exception {
        Golden.check(getClass(), "deny-all-tcp", Flavour.ENVOY);
    }

    // deny-all-tcp, proxyless: no inbound listener, no RBAC.
    @Test
    void denyAllTcp_proxyless() throws Exception {
        Golden.check(getClass(), "deny-all-tcp", Flavour.PROXYLESS);
    }

    // per-inbound, Envoy: only the web-admin inbound (9901, TCP) gets a network RBAC filter: one ALLOW policy whose
    // principal is spiffe://default/ops AND kuma://team/sre (the Mesh Deny comes earlier, so it carves nothing out of
    // it); the web inbound (8080, HTTP) has no RBAC filter, since the policy does not select it.
    @Test
    void perInbound_envoy() throws Exception {
        Golden.check(getClass(), "per-inbound", Flavour.ENVOY);
    }

    // per-inbound, proxyless: no inbound listeners, no RBAC; web-admin appears as one more destination only because
    // this web-1 now offers that service.
    @Test
    void perInbound_proxyless() throws Exception {
        Golden.check(getClass(), "per-inbound", Flavour.PROXYLESS);
    }

    // allow-then-deny, Envoy: web-1's HTTP inbound gets an http RBAC filter before the router with two ALLOW policies,
    // items least specific first: frontend-allowed's item (spiffe://default/frontend) minus the later Deny
    // (spiffe://default/frontend AND kuma://track/canary), and web-prod-only's Allow (kuma://env/prod) minus the same
    // later Deny. So frontend's canary instances are refused, even those tagged env=prod.
    @Test
    void allowThenDeny_envoy() throws Exception {
        Golden.check(getClass(), "allow-then-deny", Flavour.ENVOY);
    }

    // allow-then-deny, proxyless: no inbound listener, no RBAC.
    @Test
    void allowThenDeny_proxyless() throws Exception {
        Golden.check(getClass(), "allow-then-deny", Flavour.PROXYLESS);
    }
}
