package dev.ursa.zone.xds.plugins.mtls;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/**
 * Golden files of mesh mTLS (not a policy plugin: the renderer's base config when the Mesh has an enabled CA backend;
 * named *PluginTest so that the golden-file command writes its files). Certificates are not in these files: listeners
 * and clusters only name the SDS secrets ({@code identity_cert:secret:default}, {@code mesh_ca:secret:default}).
 */
class MtlsRenderPluginTest {
    // strict, Envoy: inbound:10.0.0.1:8080 has one filter chain with a DownstreamTlsContext (require_client_certificate,
    // SAN prefix spiffe://default/); each outbound cluster has an UpstreamTlsContext with SNI "<service>{mesh=default}"
    // and the exact SAN spiffe://default/<service>, and its cross-zone transport socket match keeps the cross-zone SNI
    // with the same certificate and SAN check.
    @Test
    void strict_envoy() throws Exception {
        Golden.check(getClass(), "strict", Flavour.ENVOY);
    }

    // strict, proxyless: unchanged by mTLS (proxyless mTLS comes through the dataplane agent, not SDS).
    @Test
    void strict_proxyless() throws Exception {
        Golden.check(getClass(), "strict", Flavour.PROXYLESS);
    }

    // permissive, Envoy: both inbounds have the tls_inspector listener filter and two chains: raw_buffer (plaintext)
    // and tls (with the DownstreamTlsContext); the same filters in both, so web's RBAC (frontend only, by identity)
    // refuses plaintext clients too. Outbound clusters as in strict (mTLS does not depend on the inbound mode).
    @Test
    void permissive_envoy() throws Exception {
        Golden.check(getClass(), "permissive", Flavour.ENVOY);
    }

    // mtp-by-service, Envoy: the TLS chain of web's inbound carries an http RBAC filter with one ALLOW policy:
    // authenticated principal spiffe://default/frontend and not (spiffe://default/frontend and kuma://track/canary).
    @Test
    void mtpByService_envoy() throws Exception {
        Golden.check(getClass(), "mtp-by-service", Flavour.ENVOY);
    }

    // mtp-rules, Envoy: web's inbound gets one ALLOW policy "MeshTrafficPermission/rules": (prefix spiffe://default/front
    // or exact spiffe://default/api) and not exact spiffe://default/frontend-canary, on the authenticated peer.
    @Test
    void mtpRules_envoy() throws Exception {
        Golden.check(getClass(), "mtp-rules", Flavour.ENVOY);
    }
}
