package dev.ursa.ingress.proxy;

import dev.ursa.ingress.route.Route;
import dev.ursa.ingress.route.RoutingTable;
import dev.ursa.ingress.route.Upstream;
import dev.ursa.mesh.crosszone.CrossZoneNames;
import dev.ursa.testsupport.Await;
import dev.ursa.testsupport.EchoBackend;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ingress proxy in-JVM against real gRPC servers (plaintext and TLS) and raw sockets. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngressProxyTest {
    static final String SNI = CrossZoneNames.sni("default", "backend");
    static final String TLS_SNI = CrossZoneNames.sni("default", "secure");

    SelfSignedCertificate cert;
    EchoBackend backend;
    EchoBackend tlsBackend;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProxyMetrics metrics = new ProxyMetrics(registry);
    AtomicReference<RoutingTable> table = new AtomicReference<>();
    IngressProxy proxy;
    int port;

    @BeforeAll
    void start() throws Exception {
        cert = new SelfSignedCertificate(TLS_SNI);
        backend = new EchoBackend("backend-1");
        tlsBackend = new EchoBackend("secure-1", cert.certificate(), cert.privateKey());
        Route plain = new Route(SNI, "default", "backend", List.of(new Upstream("127.0.0.1", backend.port(), 1)));
        Route tls = new Route(TLS_SNI, "default", "secure", List.of(new Upstream("127.0.0.1", tlsBackend.port(), 1)));
        table.set(new RoutingTable("v1", Map.of(SNI, plain, TLS_SNI, tls), Map.of("backend", plain, SNI, plain)));
        proxy = new IngressProxy(ProxySettings.defaults(0).withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30)), table::get, metrics);
        port = proxy.start();
    }

    @AfterAll
    void stop() {
        proxy.close();
        backend.close();
        tlsBackend.close();
        cert.delete();
    }

    ManagedChannel h2c(String authority) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().overrideAuthority(authority).build();
    }

    ManagedChannel tls(String sni) throws Exception {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).overrideAuthority(sni)
                .sslContext(GrpcSslContexts.forClient().trustManager(cert.cert()).build()).build();
    }

    @Test
    void h2cAuthorityRoutesToTheService() {
        ManagedChannel ch = h2c("backend");
        try {
            for (int i = 0; i < 20; i++) assertThat(EchoBackend.call(ch, "echo:hi" + i)).isEqualTo("backend-1:hi" + i);
        } finally {
            ch.shutdownNow();
        }
        assertThat(registry.get("ursa_ingress_connections_total").tag("service", "backend").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("ursa_ingress_bytes_total").tag("service", "backend").tag("direction", "in").counter().count()).isGreaterThan(0);
        assertThat(registry.get("ursa_ingress_bytes_total").tag("service", "backend").tag("direction", "out").counter().count()).isGreaterThan(0);
    }

    @Test
    void authorityWithPortAndTheSniNameRouteToo() {
        for (String authority : List.of("backend:8080", SNI)) {
            ManagedChannel ch = h2c(authority);
            try {
                assertThat(EchoBackend.call(ch, "")).isEqualTo("backend-1");
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void tlsSniIsPassedThroughAndTheClientVerifiesTheBackendsCertificate() throws Exception {
        // The client trusts only the backend's self-signed certificate: the handshake succeeds only if the ingress
        // relays TLS unchanged to the backend (it has no key, so it could not terminate it).
        ManagedChannel ch = tls(TLS_SNI);
        try {
            for (int i = 0; i < 5; i++) assertThat(EchoBackend.call(ch, "echo:s" + i)).isEqualTo("secure-1:s" + i);
        } finally {
            ch.shutdownNow();
        }
        assertThat(tlsBackend.calls()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void unknownAuthorityGetsUnavailableWithAReason() {
        ManagedChannel ch = h2c("nope");
        try {
            assertThatThrownBy(() -> EchoBackend.call(ch, "x")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).contains("no service for authority \"nope\"");
            });
        } finally {
            ch.shutdownNow();
        }
        assertThat(metrics.refusedCount("unknown_authority")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void unknownSniGetsAnUnrecognizedNameAlert() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("backend", cert.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("unknown.default.00000000.ursa")));
            s.setSSLParameters(p);
            s.setSoTimeout(5000);
            assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("unrecognized_name");
        }
        assertThat(metrics.refusedCount("unknown_sni")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void http1RequestGets400() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: backend\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void badInputAndThousandIdleConnectionsDoNotDisturbOtherTraffic() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ManagedChannel ch = h2c("backend");
        Thread load = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                try {
                    EchoBackend.call(ch, "");
                    ok.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        });
        List<Socket> sockets = new ArrayList<>();
        try {
            double timeoutsBefore = metrics.refusedCount("timeout");
            for (int i = 0; i < 1000; i++) sockets.add(new Socket("127.0.0.1", port)); // idle: never send a byte
            Socket garbage = new Socket("127.0.0.1", port);
            garbage.getOutputStream().write(new byte[]{0, 1, 2, 3, (byte) 0xff, 0x7f, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
            Socket halfPreface = new Socket("127.0.0.1", port);
            halfPreface.getOutputStream().write("PRI * HTTP/2".getBytes(StandardCharsets.US_ASCII)); // then nothing
            Socket halfHello = new Socket("127.0.0.1", port);
            halfHello.getOutputStream().write(new byte[]{0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a ClientHello that never completes
            sockets.addAll(List.of(garbage, halfPreface, halfHello));
            long okBefore = ok.get();
            Await.until("calls succeed while 1000 idle connections are open", Duration.ofSeconds(10), () -> ok.get() > okBefore + 200);
            assertThat(failures).isEmpty();
            // Every connection that never named a service is closed by the routing timeout (3 s here; a cold JVM's first TLS handshake can take over 1 s).
            for (Socket s : sockets) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(metrics.refusedCount("garbage")).isGreaterThanOrEqualTo(1);
            assertThat(metrics.refusedCount("timeout") - timeoutsBefore).isGreaterThanOrEqualTo(1001);
            long okAfter = ok.get();
            Await.until("calls still succeed", Duration.ofSeconds(10), () -> ok.get() > okAfter + 50);
        } finally {
            running.set(false);
            load.join();
            ch.shutdownNow();
            for (Socket s : sockets) s.close();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void halfClosedClientIsCleanedUp() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(H2PrefaceOnly.BYTES);
            s.shutdownOutput(); // FIN before naming a service
            s.setSoTimeout(5000);
            // The ingress's own empty SETTINGS (server preface), then end of stream: the connection is closed.
            assertThat(s.getInputStream().readAllBytes()).containsExactly(0, 0, 0, 4, 0, 0, 0, 0, 0);
        }
    }

    @Test
    void failingEndpointIsEjectedAndTheNextOneServes() throws Exception {
        int dead;
        try (ServerSocket ss = new ServerSocket(0)) {
            dead = ss.getLocalPort(); // closed below: connects are refused
        }
        Upstream deadUpstream = new Upstream("127.0.0.1", dead, 1);
        Route flaky = new Route("flaky", "default", "flaky", List.of(deadUpstream, new Upstream("127.0.0.1", backend.port(), 1)));
        RoutingTable before = table.get();
        java.util.Map<String, Route> byAuthority = new java.util.HashMap<>(before.byAuthority());
        byAuthority.put("flaky", flaky);
        table.set(new RoutingTable("v2", before.bySni(), byAuthority));
        try {
            for (int i = 0; i < 10; i++) {
                ManagedChannel ch = h2c("flaky"); // a new connection each time: routing is per connection
                try {
                    assertThat(EchoBackend.call(ch, "")).isEqualTo("backend-1");
                } finally {
                    ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            assertThat(proxy.balancer().isEjected(deadUpstream)).isTrue();
            // Tried once, then ejected: later connections go to the live endpoint first.
            assertThat(registry.get("ursa_ingress_upstream_failures_total").tag("service", "flaky").counter().count()).isEqualTo(1);
        } finally {
            table.set(before);
        }
    }

    static final class H2PrefaceOnly {
        static final byte[] BYTES = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }
}
