package dev.ursa.zone.xds.plugins.meshfaultinjection;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshFaultInjectionPluginTest {
    // from-clients, Envoy: web's inbound HCM gets, before the router (after RBAC): frontend's fault (abort 503 on 12/100,
    // fixed_delay 55s on 55/100) wrapped in an ExtensionWithMatcher that skips it unless the peer's URI SANs contain
    // spiffe://default/frontend and not kuma://env/canary; then the mesh-wide faults (abort 500 on 250/10000, response
    // rate limit 100000 kbps on 629/10000), each skipped for frontend and canary clients. The canary item (http: [])
    // renders nothing.
    @Test
    void fromClients_envoy() throws Exception {
        Golden.check(getClass(), "from-clients", Flavour.ENVOY);
    }

    // from-clients, proxyless: web-1's server listener gets nothing (grpc-java has no server-side fault filter); its own
    // `web` API listener (a proxyless client may call any service) gets what web's inbound applies to a web client: the
    // mesh-wide abort 500 on 250/10000 only (no bandwidth limit in gRPC).
    @Test
    void fromClients_proxyless() throws Exception {
        Golden.check(getClass(), "from-clients", Flavour.PROXYLESS);
    }

    // rules, Envoy: abort 500 on 50/100 skipped unless a URI SAN is spiffe://default/frontend; the delay (1.5s on
    // 1250/1000000) is a plain fault filter (the rule has no matches).
    @Test
    void rules_envoy() throws Exception {
        Golden.check(getClass(), "rules", Flavour.ENVOY);
    }

    // destination, Envoy: the policies select backend, not web-1: unchanged.
    @Test
    void destination_envoy() throws Exception {
        Golden.check(getClass(), "destination", Flavour.ENVOY);
    }

    // destination, proxyless: web-1's `backend` API listener gets envoy.filters.http.fault/0 (abort 503 on 50/100) and
    // /1 (fixed_delay 2s on 10/100, no response_rate_limit) before the router; grpc-api and db listeners unchanged.
    @Test
    void destination_proxyless() throws Exception {
        Golden.check(getClass(), "destination", Flavour.PROXYLESS);
    }

    // disagree, proxyless: backend's inbounds disagree for web: no fault filter anywhere.
    @Test
    void disagree_proxyless() throws Exception {
        Golden.check(getClass(), "disagree", Flavour.PROXYLESS);
    }

    @Test
    void percentagesConvertAsKuma() {
        assertThat(FaultFilters.percent(dev.ursa.mesh.policy.common.KumaDecimal.of(12)).getNumerator()).isEqualTo(12);
        assertThat(FaultFilters.percent(dev.ursa.mesh.policy.common.KumaDecimal.of("62.9")).getNumerator()).isEqualTo(6290);
        assertThat(FaultFilters.percent(dev.ursa.mesh.policy.common.KumaDecimal.of("33.3333")).getNumerator()).isEqualTo(333333);
    }
}
