package dev.ursa.agent;

import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/**
 * A fresh workload key (EC P-256, generated here; it leaves the process only into key.pem) and its PKCS#10 request.
 * The CSR's subject is informative only: the CP takes the identity from the Dataplane, never from the CSR.
 */
record WorkloadKey(KeyPair pair, byte[] csrDer) {
    private static final SecureRandom RANDOM = new SecureRandom();

    static WorkloadKey generate(String nodeId) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair pair = gen.generateKeyPair();
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, nodeId).build();
            var csr = new JcaPKCS10CertificationRequestBuilder(subject, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            return new WorkloadKey(pair, csr.getEncoded());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate the workload key and CSR: " + e.getMessage(), e);
        }
    }

    String privateKeyPem() {
        return Pem.privateKey(pair.getPrivate());
    }

    @Override
    public String toString() { // never the key
        return "WorkloadKey[EC P-256]";
    }
}
