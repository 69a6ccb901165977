package dev.ursa.zone.kds;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether a server answers a TLS handshake: used after a plaintext KDS dial failed, to tell "the global speaks TLS" from
 * "the global is down". The probe sees the server's certificate and then aborts the handshake itself (its trust manager
 * refuses every certificate), so nothing is ever sent over the probe connection. Blocking; a worker thread only.
 */
@FunctionalInterface
interface TlsProbe {
    boolean test(String host, int port);

    static TlsProbe handshake(Duration timeout) {
        return (host, port) -> {
            AtomicBoolean presented = new AtomicBoolean();
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                raw.setSoTimeout((int) timeout.toMillis());
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new Recorder(presented)}, null);
                try (SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, false)) {
                    SSLParameters params = ssl.getSSLParameters();
                    params.setApplicationProtocols(new String[] {"h2"});
                    ssl.setSSLParameters(params);
                    ssl.startHandshake();
                } catch (IOException e) {
                    // expected: the recorder refuses the certificate once it has seen it
                }
            } catch (IOException | GeneralSecurityException e) {
                return false;
            }
            return presented.get();
        };
    }

    /** Notes that the server presented a certificate, and refuses it. */
    final class Recorder implements X509TrustManager {
        private final AtomicBoolean presented;

        Recorder(AtomicBoolean presented) {
            this.presented = presented;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("probe");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            presented.set(chain != null && chain.length > 0);
            throw new CertificateException("probe only: the certificate is seen, never trusted");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
