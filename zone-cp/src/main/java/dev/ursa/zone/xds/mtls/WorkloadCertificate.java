package dev.ursa.zone.xds.mtls;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;

import java.time.Instant;
import java.util.List;

/**
 * A dataplane's certificate as the zone issued it: kept in memory only (never stored), pushed over SDS as
 * {@code secret}, built once per certificate.
 *
 * @param uris     its URI SANs: one SPIFFE ID per inbound service, then Kuma's {@code kuma://<tag>/<value>}
 * @param serial   its serial number (hex): names this certificate in secret versions
 * @param issuerId the issuing CA's fingerprint ({@link MeshTrust#issuerId()})
 * @param renewAt  when it is replaced: a fraction of its lifetime, spread so that rotations do not come in storms
 * @param secret   the SDS secret {@code identity_cert:secret:<mesh>} holding certificate and key
 */
public record WorkloadCertificate(List<String> uris, String serial, String issuerId, Instant notAfter, Instant renewAt, Secret secret) {
    public WorkloadCertificate {
        uris = List.copyOf(uris);
    }

    /** The certificate, PEM. */
    public String certificatePem() {
        return secret.getTlsCertificate().getCertificateChain().getInlineBytes().toStringUtf8();
    }
}
