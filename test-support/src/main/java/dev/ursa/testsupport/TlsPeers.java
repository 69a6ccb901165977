package dev.ursa.testsupport;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Java TLS peers standing in for two sidecars (Envoy cannot run here): each uses a certificate, key and trusted CAs
 * exactly as a control plane handed them out. The handshake is the JDK's, real and unmocked; the server requires a
 * client certificate, the client checks the server's URI SAN as the rendered config tells Envoy to.
 */
public final class TlsPeers {
    private TlsPeers() {
    }

    /** One side's TLS material. */
    public record Material(X509Certificate certificate, PrivateKey key, List<X509Certificate> trusted) {
        public Material {
            trusted = List.copyOf(trusted);
        }

        /** From PEM: the certificate (its first one), the private key, the trusted CAs. */
        public static Material of(String certificatePem, String keyPem, String trustedPem) {
            return new Material(certificates(certificatePem).get(0), privateKey(keyPem), certificates(trustedPem));
        }

        /** Its URI SANs. */
        public List<String> uris() {
            return TlsPeers.uris(certificate);
        }

        public SSLContext context() {
            try {
                char[] pw = "x".toCharArray();
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, pw);
                ks.setKeyEntry("identity", key, pw, new X509Certificate[]{certificate});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, pw);
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, pw);
                for (int i = 0; i < trusted.size(); i++) ts.setCertificateEntry("ca-" + i, trusted.get(i));
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
                return ctx;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static List<X509Certificate> certificates(String pem) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .forEach(c -> out.add((X509Certificate) c));
            return out;
        } catch (Exception e) {
            throw new IllegalArgumentException("not PEM certificates: " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 ({@code PRIVATE KEY}) EC or RSA key. */
    public static PrivateKey privateKey(String pem) {
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").trim());
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("not a PKCS#8 EC or RSA private key");
    }

    public static List<String> uris(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) if ((Integer) san.get(0) == 6) out.add((String) san.get(1));
            }
        } catch (CertificateParsingException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * A server with a sidecar's inbound TLS: requires a client certificate of a trusted CA, answers the first bytes it
     * reads with {@code <its first URI SAN> <bytes>}, and records the URI SANs of the clients it let in.
     */
    public static final class Server implements AutoCloseable {
        private final SSLServerSocket socket;
        /** The URI SANs of every client whose handshake succeeded. */
        public final List<List<String>> clients = new CopyOnWriteArrayList<>();

        public Server(Material material) throws IOException {
            this(material, 0);
        }

        public Server(Material material, int port) throws IOException {
            socket = (SSLServerSocket) material.context().getServerSocketFactory().createServerSocket(port, 50, InetAddress.getLoopbackAddress());
            socket.setNeedClientAuth(true);
            String self = material.uris().isEmpty() ? "?" : material.uris().get(0);
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        SSLSocket s = (SSLSocket) socket.accept();
                        Thread.ofVirtual().start(() -> serve(s, self));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(SSLSocket s, String self) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                s.startHandshake();
                clients.add(uris((X509Certificate) s.getSession().getPeerCertificates()[0]));
                byte[] buf = new byte[256];
                int n = in.read(buf);
                if (n > 0) out.write((self + " " + new String(buf, 0, n, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a refused handshake: the client sees it
            }
        }

        public InetSocketAddress address() {
            return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * One call as a sidecar's outbound makes it: TLS with {@code client}'s material (and SNI {@code sni} when not
     * null), then the server certificate's URI SANs must satisfy {@code serverSan}. Returns the server's answer.
     */
    public static String call(Material client, InetSocketAddress server, String sni, Predicate<String> serverSan, String line) throws IOException {
        try (SSLSocket s = (SSLSocket) client.context().getSocketFactory().createSocket(server.getAddress(), server.getPort())) {
            s.setSoTimeout(5000);
            if (sni != null) {
                SSLParameters p = s.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName(sni)));
                s.setSSLParameters(p);
            }
            s.startHandshake();
            List<String> serverUris = uris((X509Certificate) s.getSession().getPeerCertificates()[0]);
            if (serverUris.stream().noneMatch(serverSan)) {
                throw new IOException("server certificate " + serverUris + " does not match the expected SAN");
            }
            s.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
