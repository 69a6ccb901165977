package dev.ursa.zone.xds.mtls;

import dev.ursa.cp.pki.MeshCa;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * When a mesh's new CA may issue, and which CA signs until then: the previous issuer until the new one has been seen for
 * {@code trustPropagation} (every workload of every zone must trust a CA before a peer presents its certificates), then
 * the new one. The zone's one record of CA switches: sidecars' certificates (WorkloadCertificates) and the certificates
 * of workloads holding their own keys (signing, and the issuer advertised to them) follow the same moment, so a workload
 * never renews towards a CA it cannot get yet. Thread-safe.
 */
public final class IssuerSwitches {
    /** The CA that signs now, and its id (a workload holding a certificate of another issuer renews). */
    public record Issuer(MeshCa ca, String id) {
    }

    private record Switch(MeshTrust current, MeshTrust previous, Instant since) {
    }

    private final Duration trustPropagation;
    private final ConcurrentMap<String, Switch> meshes = new ConcurrentHashMap<>();

    public IssuerSwitches(Duration trustPropagation) {
        this.trustPropagation = trustPropagation;
    }

    /** The issuer for {@code trust} (the mesh's current state) at {@code now}. */
    public Issuer issuer(MeshTrust trust, Instant now) {
        Switch s = observe(trust, now);
        MeshTrust previous = s.previous();
        boolean switching = previous != null && now.isBefore(s.since().plus(trustPropagation))
                && trust.trusted().stream().anyMatch(c -> MeshTrust.fingerprint(c).equals(previous.issuerId()));
        MeshTrust signing = switching ? previous : trust;
        return new Issuer(signing.issuer(), signing.issuerId());
    }

    /**
     * From when {@code trust}'s issuer may hand out certificates: when it was first seen plus {@code trustPropagation};
     * at once for the first CA this zone sees of a mesh (nothing older to stay on).
     */
    public Instant usableFrom(MeshTrust trust, Instant now) {
        Switch s = observe(trust, now);
        return s.previous() == null ? Instant.MIN : s.since().plus(trustPropagation);
    }

    private Switch observe(MeshTrust trust, Instant now) {
        return meshes.compute(trust.mesh(), (mesh, old) -> {
            if (old == null) return new Switch(trust, null, Instant.MIN);
            if (old.current().issuerId().equals(trust.issuerId())) return new Switch(trust, old.previous(), old.since());
            return new Switch(trust, old.current(), now);
        });
    }

    /** Forgets a mesh whose mTLS is off or that is gone. */
    public void forget(String mesh) {
        meshes.remove(mesh);
    }
}
