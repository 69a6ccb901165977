package dev.ursa.zone.xds.plugins.meshtls;

import dev.ursa.zone.xds.Flavour;
import dev.ursa.zone.xds.plugins.Golden;
import org.junit.jupiter.api.Test;

/** Golden files: input YAML in testdata/ rendered for web-1 (see {@link Golden}). */
class MeshTLSPluginTest {
    // versions-and-ciphers, Envoy: web-1's inbound DownstreamTlsContext has tlsParams tlsMinimumProtocolVersion
    // TLSv1_2, tlsMaximumProtocolVersion TLSv1_3, cipherSuites [ECDHE-ECDSA-AES128-GCM-SHA256]; clusters unchanged.
    @Test
    void versionsAndCiphers_envoy() throws Exception {
        Golden.check(getClass(), "versions-and-ciphers", Flavour.ENVOY);
    }

    // versions-and-ciphers, proxyless: no inbound listeners, nothing to tune.
    @Test
    void versionsAndCiphers_proxyless() throws Exception {
        Golden.check(getClass(), "versions-and-ciphers", Flavour.PROXYLESS);
    }

    // permissive-subset, Envoy: in a STRICT mesh, web-1 (version v1) gets the tls_inspector and two chains (raw_buffer,
    // tls) on its inbound; its outbound clusters keep their UpstreamTlsContext.
    @Test
    void permissiveSubset_envoy() throws Exception {
        Golden.check(getClass(), "permissive-subset", Flavour.ENVOY);
    }

    // no-mtls, Envoy: the mesh has no mTLS, so the inbound stays plaintext with no TLS context.
    @Test
    void noMtls_envoy() throws Exception {
        Golden.check(getClass(), "no-mtls", Flavour.ENVOY);
    }
}
