package dev.ursa.cp.mtls;

import dev.ursa.mesh.validation.Violation;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Kuma's {@code provided.ValidateCaCert} ({@code pkg/plugins/ca/provided/ca_cert_validator.go}): the PEM pair must be
 * a TLS key pair (Go's {@code tls.X509KeyPair}: certificates, a private key, the key matching the first certificate),
 * and every certificate a CA that may sign certificates (X509-SVID). Paths {@code cert} and {@code cert[i]}, Kuma's
 * messages.
 */
public final class CaCertValidator {
    private CaCertValidator() {
    }

    public static List<Violation> validate(byte[] certPem, byte[] keyPem) {
        List<Violation> out = new ArrayList<>();
        List<X509Certificate> chain;
        try {
            chain = keyPair(certPem, keyPem);
        } catch (InvalidPair e) {
            out.add(new Violation("cert", "not a valid TLS key pair: " + e.getMessage()));
            return out;
        }
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate cert = chain.get(i);
            String path = "cert[" + i + "]";
            if (cert.getBasicConstraints() < 0) {
                out.add(new Violation(path, "basic constraint 'CA' must be set to 'true' (see X509-SVID: 4.1. Basic Constraints)"));
            }
            boolean[] usage = cert.getKeyUsage(); // digitalSignature(0) ... keyAgreement(4), keyCertSign(5)
            if (usage == null || usage.length <= 5 || !usage[5]) {
                out.add(new Violation(path, "key usage extension 'keyCertSign' must be set (see X509-SVID: 4.3. Key Usage)"));
            }
            if (usage != null && usage.length > 4 && usage[4]) {
                out.add(new Violation(path, "key usage extension 'keyAgreement' must NOT be set (see X509-SVID: Appendix A. X.509 Field Reference)"));
            }
        }
        return out;
    }

    private static final class InvalidPair extends Exception {
        InvalidPair(String message) {
            super(message);
        }
    }

    /** Go's {@code tls.X509KeyPair}, with its error texts. */
    private static List<X509Certificate> keyPair(byte[] certPem, byte[] keyPem) throws InvalidPair {
        List<PemObject> certBlocks = blocks(certPem);
        List<String> skipped = new ArrayList<>();
        List<byte[]> ders = new ArrayList<>();
        for (PemObject b : certBlocks) {
            if (b.getType().equals("CERTIFICATE")) ders.add(b.getContent());
            else skipped.add(b.getType());
        }
        if (ders.isEmpty()) {
            if (skipped.isEmpty()) throw new InvalidPair("tls: failed to find any PEM data in certificate input");
            if (skipped.size() == 1 && skipped.getFirst().endsWith("PRIVATE KEY")) {
                throw new InvalidPair("tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched");
            }
            throw new InvalidPair("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: " + goList(skipped));
        }
        List<PemObject> keyBlocks = blocks(keyPem);
        PemObject keyBlock = keyBlocks.stream().filter(b -> b.getType().equals("PRIVATE KEY") || b.getType().endsWith(" PRIVATE KEY")).findFirst().orElse(null);
        if (keyBlock == null) {
            if (keyBlocks.isEmpty()) throw new InvalidPair("tls: failed to find any PEM data in key input");
            if (keyBlocks.size() == 1 && keyBlocks.getFirst().getType().equals("CERTIFICATE")) {
                throw new InvalidPair("tls: found a certificate rather than a key in the PEM for the private key");
            }
            throw new InvalidPair("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: "
                    + goList(keyBlocks.stream().map(PemObject::getType).toList()));
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (byte[] der : ders) chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
        } catch (GeneralSecurityException e) {
            throw new InvalidPair("x509: malformed certificate");
        }
        PrivateKey key = privateKey(keyPem);
        PublicKey pub = chain.getFirst().getPublicKey();
        if (!sameAlgorithm(pub, key)) throw new InvalidPair("tls: private key type does not match public key type");
        if (!matches(pub, key)) throw new InvalidPair("tls: private key does not match public key");
        return chain;
    }

    /** Go's {@code %v} of a string slice. */
    private static String goList(List<String> items) {
        return "[" + String.join(" ", items) + "]";
    }

    private static List<PemObject> blocks(byte[] pem) throws InvalidPair {
        List<PemObject> out = new ArrayList<>();
        if (pem == null) return out;
        try (PemReader r = new PemReader(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            for (PemObject o = r.readPemObject(); o != null; o = r.readPemObject()) out.add(o);
        } catch (IOException e) {
            // A block whose base64 is broken: Go's pem.Decode skips it, and then finds no data.
            return out;
        }
        return out;
    }

    private static PrivateKey privateKey(byte[] keyPem) throws InvalidPair {
        try (PEMParser parser = new PEMParser(new StringReader(new String(keyPem, StandardCharsets.US_ASCII)))) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair) return conv.getKeyPair(pair).getPrivate();
                if (o instanceof PrivateKeyInfo info) return conv.getPrivateKey(info);
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidPair("tls: failed to parse private key");
        }
        throw new InvalidPair("tls: failed to parse private key");
    }

    private static boolean sameAlgorithm(PublicKey pub, PrivateKey key) {
        return family(pub.getAlgorithm()).equals(family(key.getAlgorithm()));
    }

    private static String family(String algorithm) {
        return switch (algorithm) {
            case "ECDSA", "EC" -> "EC";
            case "Ed25519", "EdDSA" -> "EdDSA";
            default -> algorithm;
        };
    }

    /** Proof of possession: a signature by the private key verifies with the certificate's public key. */
    private static boolean matches(PublicKey pub, PrivateKey key) throws InvalidPair {
        String alg = switch (family(key.getAlgorithm())) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA" -> "Ed25519";
            default -> throw new InvalidPair("tls: unknown public key algorithm");
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(challenge);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(pub);
            verifier.update(challenge);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
