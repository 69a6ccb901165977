package dev.ursa.zone.xds.mtls;

import java.time.Instant;
import java.util.List;

/**
 * A dataplane's certificate as the zone issued it: kept in memory only (never stored), pushed over SDS.
 *
 * @param uris     its URI SANs: one SPIFFE ID per inbound service, then Kuma's {@code kuma://<tag>/<value>}
 * @param issuerId the issuing CA's fingerprint ({@link MeshTrust#issuerId()})
 * @param renewAt  when it is replaced: a fraction of its lifetime, spread so that rotations do not come in storms
 */
public record WorkloadCertificate(List<String> uris, String certificatePem, String keyPem, String issuerId, Instant notAfter,
                                  Instant renewAt) {
    public WorkloadCertificate {
        uris = List.copyOf(uris);
    }
}
