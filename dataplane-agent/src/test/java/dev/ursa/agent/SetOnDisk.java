package dev.ursa.agent;

import dev.ursa.cp.pki.Pem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The set {@code <dir>/current} names, read the way gRPC's file_watcher reads it (through the link), parsed with
 * cp-common's PEM code (not the agent's): what the workload would get.
 */
record SetOnDisk(String certPem, String keyPem, String caPem, List<X509Certificate> chain, PrivateKey key,
                 List<X509Certificate> bundle) {

    static Path current(Path dir) {
        return dir.resolve(CertificateDirectory.CURRENT);
    }

    static SetOnDisk read(Path dir) throws IOException {
        Path c = current(dir);
        String cert = Files.readString(c.resolve(CertificateDirectory.CERT_FILE), StandardCharsets.US_ASCII);
        String key = Files.readString(c.resolve(CertificateDirectory.KEY_FILE), StandardCharsets.US_ASCII);
        String ca = Files.readString(c.resolve(CertificateDirectory.CA_FILE), StandardCharsets.US_ASCII);
        return new SetOnDisk(cert, key, ca, Pem.certificates(cert), Pem.privateKey(key), Pem.certificates(ca));
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    /** The key signs what the certificate's public key verifies. */
    boolean keyMatchesCertificate() throws Exception {
        byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(probe);
        byte[] sig = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(leaf().getPublicKey());
        verifier.update(probe);
        return verifier.verify(sig);
    }

    /** Some CA of ca.pem signed the certificate. */
    boolean signedByBundle() {
        return bundle.stream().anyMatch(ca -> {
            try {
                leaf().verify(ca.getPublicKey());
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    List<String> uriSans() throws Exception {
        return leaf().getSubjectAlternativeNames().stream().filter(san -> Integer.valueOf(6).equals(san.get(0)))
                .map(san -> (String) san.get(1)).toList();
    }
}
