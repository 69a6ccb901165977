package dev.ursa.zone.xds.mtls;

import dev.ursa.cp.pki.MeshCa;
import dev.ursa.cp.pki.Pem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Issues and renews dataplanes' certificates. A node keeps its certificate until a fraction of its lifetime has passed
 * (each node's point spread over a fifth of the lifetime, so certificates issued together do not renew together), its
 * identity changes, or its mesh switched CA. On a switch the new CA is first only trusted: nodes keep certificates of the
 * old CA for {@code trustPropagation}, long enough for every node (of every zone) to trust the new CA before anyone
 * presents a certificate of it; then they are re-issued. Keys are generated here and live only in memory.
 *
 * <p>Threads: used on the xDS worker only.
 */
public final class WorkloadCertificates {
    /** The part of the renewal fraction over which nodes are spread (0.8: renewals between 60% and 80% of the lifetime). */
    private static final double SPREAD = 0.25;

    private final Clock clock;
    private final double renewFraction;
    private final IssuerSwitches switches;
    private final Counter issued;
    private final Timer issueTime;

    /**
     * @param renewFraction    the part of a certificate's lifetime after which it is renewed (Kuma renews at 4/5)
     * @param switches         when a mesh's new CA may issue (shared with the CSR signer of proxyless workloads)
     */
    public WorkloadCertificates(Clock clock, double renewFraction, IssuerSwitches switches, MeterRegistry meters) {
        if (renewFraction <= 0 || renewFraction >= 1) throw new IllegalArgumentException("renew fraction must be in (0, 1): " + renewFraction);
        this.clock = clock;
        this.renewFraction = renewFraction;
        this.switches = switches;
        this.issued = Counter.builder("ursa_mtls_certificates_issued").description("workload certificates issued").register(meters);
        this.issueTime = Timer.builder("ursa_mtls_certificate_issue").description("time to generate a key and sign a workload certificate")
                .register(meters);
    }

    /** The certificate a node with identity {@code uris} should hold now: {@code held}, or a new one. */
    public WorkloadCertificate current(WorkloadCertificate held, List<String> uris, MeshTrust trust) {
        Instant now = clock.instant();
        Instant issuerUsableAt = switches.usableFrom(trust, now);
        if (held == null || !held.uris().equals(uris) || !now.isBefore(held.renewAt())) return issue(uris, trust, now);
        if (held.issuerId().equals(trust.issuerId())) return held;
        boolean heldStillTrusted = trust.trusted().stream().anyMatch(c -> MeshTrust.fingerprint(c).equals(held.issuerId()));
        return heldStillTrusted && now.isBefore(issuerUsableAt) ? held : issue(uris, trust, now);
    }

    /** When {@link #current} may answer differently for {@code cert}: its renewal, or the end of a CA switch's wait. */
    public Instant nextCheck(WorkloadCertificate cert, MeshTrust trust) {
        if (cert.issuerId().equals(trust.issuerId())) return cert.renewAt();
        Instant switchAt = switches.usableFrom(trust, clock.instant());
        return switchAt.isBefore(cert.renewAt()) ? switchAt : cert.renewAt();
    }

    private WorkloadCertificate issue(List<String> uris, MeshTrust trust, Instant now) {
        long start = System.nanoTime();
        KeyPair pair = MeshCa.workloadKeyPair();
        X509Certificate cert = trust.issuer().issue(pair.getPublic(), uris, trust.certificateValidity(), now);
        Instant notAfter = cert.getNotAfter().toInstant();
        Duration lifetime = Duration.between(now, notAfter);
        double fraction = renewFraction * (1 - SPREAD * ThreadLocalRandom.current().nextDouble());
        Instant renewAt = now.plusMillis((long) (lifetime.toMillis() * fraction));
        issueTime.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        issued.increment();
        return new WorkloadCertificate(uris, cert.getSerialNumber().toString(16), trust.issuerId(), notAfter, renewAt,
                Sds.identity(trust.mesh(), Pem.certificate(cert), Pem.privateKey(pair.getPrivate())));
    }
}
