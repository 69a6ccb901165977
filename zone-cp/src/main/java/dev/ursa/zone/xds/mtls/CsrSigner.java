package dev.ursa.zone.xds.mtls;

import dev.ursa.cp.pki.Pem;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Signs a workload's own key: the CSR's signature must prove the caller holds the private key, and only its public key
 * is used. The identity (URI SANs) is the caller's, decided by the zone, never read from the CSR. Stateless and
 * thread-safe.
 */
public final class CsrSigner {
    /** As for sidecars: renewals spread over the last quarter of the renewal fraction (see WorkloadCertificates). */
    private static final double SPREAD = 0.25;
    private static final int MIN_RSA_BITS = 2048;

    private final double renewFraction;

    public CsrSigner(double renewFraction) {
        if (renewFraction <= 0 || renewFraction >= 1) throw new IllegalArgumentException("renew fraction must be in (0, 1): " + renewFraction);
        this.renewFraction = renewFraction;
    }

    /** A signed workload certificate and when its holder should ask for the next one. */
    public record Signed(X509Certificate certificate, String chainPem, Instant notBefore, Instant notAfter, Instant renewAfter,
                         String issuerId, List<String> identities) {
        public Signed {
            identities = List.copyOf(identities);
        }
    }

    /** A CSR that cannot be signed; the message says why (it names no secret). */
    public static final class InvalidCsrException extends Exception {
        public InvalidCsrException(String message) {
            super(message);
        }
    }

    /** Signs with {@code issuer} a certificate of the mesh's lifetime ({@code trust}) naming {@code identities}. */
    public Signed sign(MeshTrust trust, IssuerSwitches.Issuer issuer, List<String> identities, byte[] csrDer, Instant now)
            throws InvalidCsrException {
        PublicKey key = verifiedKey(csrDer);
        X509Certificate cert = issuer.ca().issue(key, identities, trust.certificateValidity(), now);
        Instant notAfter = cert.getNotAfter().toInstant();
        long lifetime = Duration.between(now, notAfter).toMillis();
        double fraction = renewFraction * (1 - SPREAD * ThreadLocalRandom.current().nextDouble());
        return new Signed(cert, Pem.certificate(cert), cert.getNotBefore().toInstant(), notAfter,
                now.plusMillis((long) (lifetime * fraction)), issuer.id(), identities);
    }

    /** The CSR's public key, once its signature checks out and the key is one a mesh accepts. */
    static PublicKey verifiedKey(byte[] csrDer) throws InvalidCsrException {
        if (csrDer == null || csrDer.length == 0) throw new InvalidCsrException("csr is empty: send a PKCS#10 request (DER)");
        JcaPKCS10CertificationRequest csr;
        try {
            csr = new JcaPKCS10CertificationRequest(csrDer);
        } catch (IOException | RuntimeException e) {
            throw new InvalidCsrException("csr is not a PKCS#10 request (DER)");
        }
        PublicKey key;
        try {
            key = csr.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                throw new InvalidCsrException("csr signature does not verify: it must be signed with the key it carries");
            }
        } catch (NoSuchAlgorithmException | InvalidKeyException | OperatorCreationException | PKCSException | RuntimeException e) {
            throw new InvalidCsrException("csr cannot be verified: " + e.getMessage());
        }
        switch (key) {
            case ECPublicKey ec -> {
                int bits = ec.getParams().getCurve().getField().getFieldSize();
                if (bits != 256 && bits != 384) throw new InvalidCsrException("csr key is EC on a " + bits + "-bit curve: use P-256 or P-384");
            }
            case RSAPublicKey rsa -> {
                if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                    throw new InvalidCsrException("csr key is RSA " + rsa.getModulus().bitLength() + " bits: at least " + MIN_RSA_BITS);
                }
            }
            default -> throw new InvalidCsrException("csr key type " + key.getAlgorithm() + " is not accepted: use EC P-256/P-384 or RSA");
        }
        return key;
    }
}
