package dev.ursa.agent;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What the agent knows of the workload certificate in place.
 *
 * @param identities its URI SANs (spiffe://..., kuma://...)
 * @param issuerId   lowercase hex SHA-256 of the DER certificate of the CA that signed it (as the CP names CAs)
 */
public record CertificateInfo(Instant notBefore, Instant notAfter, List<String> identities, String issuerId) {
    public CertificateInfo {
        identities = List.copyOf(identities);
    }

    public boolean validAt(Instant now) {
        return !now.isBefore(notBefore) && now.isBefore(notAfter);
    }

    /**
     * Reads a set and checks it is whole: the chain's leaf is for {@code key}, the bundle holds certificates, and the
     * issuer is found in the chain or the bundle (else {@code issuerId} stays as given, possibly empty).
     */
    static CertificateInfo of(CertificateSet set, String issuerIdIfKnown) {
        List<X509Certificate> chain = Pem.certificates(set.chainPem(), "the certificate chain");
        List<X509Certificate> bundle = Pem.certificates(set.trustBundlePem(), "the trust bundle");
        X509Certificate leaf = chain.get(0);
        PrivateKey key = Pem.privateKey(set.keyPem(), "the private key");
        if (!keyMatches(key, leaf.getPublicKey())) {
            throw new IllegalArgumentException("the private key does not belong to the certificate");
        }
        String issuerId = issuerIdIfKnown;
        if (issuerId == null || issuerId.isEmpty()) {
            List<X509Certificate> candidates = new ArrayList<>(chain.subList(1, chain.size()));
            candidates.addAll(bundle);
            issuerId = candidates.stream().filter(ca -> signed(ca, leaf)).findFirst().map(CertificateInfo::id).orElse("");
        }
        return new CertificateInfo(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), uriSans(leaf), issuerId);
    }

    /** The CP's name of a CA: lowercase hex SHA-256 of its DER certificate. */
    static String id(X509Certificate ca) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code key} is the private half of {@code publicKey}: it signs, the public key verifies. */
    static boolean keyMatches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) return false;
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            byte[] probe = "ursa-agent key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static List<String> uriSans(X509Certificate cert) {
        try {
            List<String> out = new ArrayList<>();
            if (cert.getSubjectAlternativeNames() == null) return out;
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                if (Integer.valueOf(6).equals(san.get(0))) out.add((String) san.get(1)); // 6: uniformResourceIdentifier
            }
            return out;
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("the certificate's subject alternative names do not parse: " + e.getMessage(), e);
        }
    }

    private static boolean signed(X509Certificate ca, X509Certificate leaf) {
        if (!ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) return false;
        try {
            leaf.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
