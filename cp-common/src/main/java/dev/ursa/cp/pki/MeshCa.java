package dev.ursa.cp.pki;

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A mesh's certificate authority: its certificate and private key. Generates a builtin CA (RSA, as Kuma's) and issues
 * workload certificates (EC P-256 keys: cheap to generate, so a zone can issue thousands a second). Immutable and
 * thread-safe.
 */
public final class MeshCa {
    /** Certificates start this far in the past, so a peer whose clock runs a little behind accepts them. */
    static final Duration BACKDATE = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    public MeshCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** Reads a CA from PEM (certificate, private key). */
    public static MeshCa fromPem(String certificatePem, String keyPem) {
        return new MeshCa(Pem.certificates(certificatePem).get(0), Pem.privateKey(keyPem));
    }

    /**
     * A self-signed root CA for {@code mesh} as Kuma's builtin backend makes it: subject {@code O=Ursa, OU=Mesh,
     * CN=<mesh>}, URI SAN {@code spiffe://<mesh>}.
     */
    public static MeshCa generate(String mesh, int rsaBits, Duration validity, Instant now) {
        KeyPair pair;
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(rsaBits, RANDOM);
            pair = gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a CA for mesh " + mesh + ": " + e.getMessage(), e);
        }
        return selfSigned(mesh, pair, validity, now);
    }

    /**
     * The CA certificate of {@link #generate} for an existing key pair: a CA whose stored key survived without its
     * certificate is completed with a new certificate of the same key, so what it signed stays valid.
     */
    public static MeshCa selfSigned(String mesh, KeyPair pair, Duration validity, Instant now) {
        try {
            X500Name subject = new X500Name("O=Ursa,OU=Mesh,CN=" + mesh.replaceAll("[,+=\"\\\\<>;]", "_"));
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(validity)), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://" + mesh)));
            return new MeshCa(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate a CA for mesh " + mesh + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    public String keyPem() {
        return Pem.privateKey(key);
    }

    /** A fresh key pair for a workload (EC P-256). */
    public static KeyPair workloadKeyPair() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A workload certificate for {@code publicKey} with {@code uris} as URI SANs (SPIFFE IDs first), usable as client
     * and server certificate, valid for {@code validity} from {@code now} (but never past the CA).
     */
    public X509Certificate issue(PublicKey publicKey, List<String> uris, Duration validity, Instant now) {
        if (uris.isEmpty()) throw new IllegalArgumentException("a workload certificate needs at least one URI SAN");
        try {
            Date notAfter = Date.from(now.plus(validity));
            if (notAfter.after(certificate.getNotAfter())) notAfter = certificate.getNotAfter();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minus(BACKDATE)), notAfter,
                    new X500Name(new RDN[0]), publicKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            // Empty subject: RFC 5280 then wants the SAN extension critical.
            b.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(uris.stream()
                    .map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u)).toArray(GeneralName[]::new)));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return sign(b, key);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a workload certificate: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
