package dev.ursa.agent;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM of certificates and PKCS#8 private keys (the forms gRPC's file_watcher provider reads). */
final class Pem {
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private Pem() {
    }

    static String privateKey(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** Every certificate in {@code pem}, in order; at least one. */
    static List<X509Certificate> certificates(String pem, String what) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .forEach(c -> out.add((X509Certificate) c));
            if (out.isEmpty()) throw new IllegalArgumentException(what + " holds no certificate");
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + " is not PEM certificates: " + e.getMessage(), e);
        }
    }

    /** The PKCS#8 private key in {@code pem} (EC or RSA). */
    static PrivateKey privateKey(String pem, String what) {
        Matcher m = PRIVATE_KEY.matcher(pem);
        if (!m.find()) throw new IllegalArgumentException(what + " holds no PKCS#8 private key");
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(what + " holds a private key that is neither EC nor RSA");
    }
}
