package dev.ursa.zone.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ursa.cp.pki.Pem;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Java TLS peers that use exactly what the zone hands a sidecar over SDS: its certificate and key
 * ({@code identity_cert:secret:<mesh>}) and the CAs it trusts ({@code mesh_ca:secret:<mesh>}), plus the checks the
 * rendered config asks Envoy to make (the peer's URI SAN, the RBAC principals). They stand in for Envoy, which cannot
 * run here: the TLS handshake itself is the JDK's, real and unmocked.
 */
final class MeshTlsPeers {
    static final String SDS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

    private MeshTlsPeers() {
    }

    /** A sidecar's TLS material, as read from one SDS response. */
    record Material(X509Certificate certificate, String keyPem, List<X509Certificate> trusted) {
        static Material of(DiscoveryResponse sds) {
            X509Certificate cert = null;
            String key = null;
            List<X509Certificate> trusted = List.of();
            for (var any : sds.getResourcesList()) {
                Secret s;
                try {
                    s = any.unpack(Secret.class);
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
                if (s.hasTlsCertificate()) {
                    cert = Pem.certificates(s.getTlsCertificate().getCertificateChain().getInlineBytes().toString(StandardCharsets.US_ASCII)).get(0);
                    key = s.getTlsCertificate().getPrivateKey().getInlineBytes().toString(StandardCharsets.US_ASCII);
                } else if (s.hasValidationContext()) {
                    trusted = Pem.certificates(s.getValidationContext().getTrustedCa().getInlineBytes().toString(StandardCharsets.US_ASCII));
                }
            }
            if (cert == null || trusted.isEmpty()) throw new AssertionError("SDS response without identity and CA secrets: " + sds);
            return new Material(cert, key, trusted);
        }

        List<String> uris() {
            return MeshTlsPeers.uris(certificate);
        }

        SSLContext context() {
            try {
                char[] pw = "x".toCharArray();
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, pw);
                ks.setKeyEntry("identity", Pem.privateKey(keyPem), pw, new X509Certificate[]{certificate});
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

    static List<String> uris(X509Certificate c) {
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
     * A server with a sidecar's inbound TLS: requires a client certificate of a trusted CA, answers each line with
     * {@code <its first URI SAN> <line>}, and records the client identities it saw.
     */
    static final class Server implements AutoCloseable {
        private final SSLServerSocket socket;
        final List<List<String>> clients = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        Server(Material material) throws IOException {
            socket = (SSLServerSocket) material.context().getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            socket.setNeedClientAuth(true);
            String self = material.uris().get(0);
            acceptor = Thread.ofVirtual().start(() -> {
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

        InetSocketAddress address() {
            return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * One call as a sidecar's outbound makes it: TLS with the client's material, then the check Envoy makes on the
     * server's certificate ({@code expectedServerSan}, from the cluster's UpstreamTlsContext). Returns the answer.
     */
    static String call(Material client, InetSocketAddress server, StringMatcher expectedServerSan, String line) throws IOException {
        try (SSLSocket s = (SSLSocket) client.context().getSocketFactory().createSocket(server.getAddress(), server.getPort())) {
            s.setSoTimeout(5000);
            s.startHandshake();
            List<String> serverUris = uris((X509Certificate) s.getSession().getPeerCertificates()[0]);
            if (serverUris.stream().noneMatch(u -> matches(expectedServerSan, u))) {
                throw new IOException("server certificate " + serverUris + " does not match " + expectedServerSan);
            }
            s.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            byte[] buf = s.getInputStream().readAllBytes();
            return new String(buf, StandardCharsets.UTF_8);
        }
    }

    static boolean matches(StringMatcher m, String value) {
        return switch (m.getMatchPatternCase()) {
            case EXACT -> value.equals(m.getExact());
            case PREFIX -> value.startsWith(m.getPrefix());
            case SUFFIX -> value.endsWith(m.getSuffix());
            case CONTAINS -> value.contains(m.getContains());
            default -> throw new IllegalArgumentException("matcher not evaluated here: " + m);
        };
    }

    /** Envoy's RBAC decision (permissions "any", as Ursa renders them) for a peer with these URI SANs. */
    static boolean allowed(RBAC rbac, List<String> peerUris) {
        boolean matched = rbac.getPoliciesMap().values().stream().anyMatch(p -> p.getPrincipalsList().stream().anyMatch(pr -> principal(pr, peerUris)));
        return rbac.getAction() == RBAC.Action.ALLOW ? matched : !matched;
    }

    private static boolean principal(Principal p, List<String> uris) {
        return switch (p.getIdentifierCase()) {
            case ANY -> p.getAny();
            case AUTHENTICATED -> uris.stream().anyMatch(u -> matches(p.getAuthenticated().getPrincipalName(), u));
            case AND_IDS -> p.getAndIds().getIdsList().stream().allMatch(x -> principal(x, uris));
            case OR_IDS -> p.getOrIds().getIdsList().stream().anyMatch(x -> principal(x, uris));
            case NOT_ID -> !principal(p.getNotId(), uris);
            default -> throw new IllegalArgumentException("principal not evaluated here: " + p);
        };
    }

}
