package dev.ursa.zone.kds;

import dev.ursa.zone.ZoneConfig;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a zone dials the global, and the next step it names when a dial fails (wrong CA, plaintext dial to TLS). */
class KdsDialTest {
    static final TlsProbe PROBE = TlsProbe.handshake(Duration.ofSeconds(2));

    record Kds(Optional<String> caFile, boolean skipVerify) implements ZoneConfig.Kds {
        @Override
        public Duration backoffMin() {
            return Duration.ofMillis(100);
        }

        @Override
        public Duration backoffMax() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration keepaliveTime() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration keepaliveTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration batchWindow() {
            return Duration.ofMillis(20);
        }

        @Override
        public Duration resyncInterval() {
            return Duration.ofMinutes(5);
        }
    }

    static final Kds DEFAULTS = new Kds(Optional.empty(), false);

    static Server server(SelfSignedCertificate cert) throws Exception {
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("test.Nothing").build());
        if (cert != null) b.sslContext(GrpcSslContexts.forServer(cert.certificate(), cert.privateKey()).build());
        return b.build().start();
    }

    @Test
    void onlyGrpcAndGrpcsAddressesWithHostAndPortAreAccepted() {
        assertThat(KdsDial.of("grpcs://global:5685", DEFAULTS).tls()).isTrue();
        assertThat(KdsDial.of("grpc://global:5685", DEFAULTS).tls()).isFalse();
        assertThatThrownBy(() -> KdsDial.of("http://global:5685", DEFAULTS)).hasMessageContaining("must be grpcs://host:port");
        assertThatThrownBy(() -> KdsDial.of("grpcs://global", DEFAULTS)).hasMessageContaining("must be grpcs://host:port");
        assertThat(KdsDial.of("grpcs://global:5685", new Kds(Optional.empty(), true)).describe()).contains("NOT verified");
        assertThat(KdsDial.of("grpcs://global:5685", new Kds(Optional.of("/etc/ursa/ca.pem"), false)).describe()).contains("verified with /etc/ursa/ca.pem");
    }

    @Test
    void aPlaintextDialThatMeetsATlsServerIsToldToDialGrpcsWithTheCaFile() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        Server tls = server(cert);
        Server plain = server(null);
        try {
            assertThat(PROBE.test("127.0.0.1", tls.getPort())).as("a TLS server").isTrue();
            assertThat(PROBE.test("127.0.0.1", plain.getPort())).as("a plaintext gRPC server").isFalse();

            Status unavailable = Status.UNAVAILABLE.withDescription("Network closed for unknown reason");
            Optional<String> hint = KdsDial.of("grpc://127.0.0.1:" + tls.getPort(), DEFAULTS).hint(unavailable, PROBE);
            assertThat(hint).hasValueSatisfying(h -> assertThat(h).startsWith(KdsDial.PLAINTEXT_TO_TLS).contains("grpcs://127.0.0.1:" + tls.getPort()));
            assertThat(KdsDial.of("grpc://127.0.0.1:" + plain.getPort(), DEFAULTS).hint(unavailable, PROBE)).isEmpty();
        } finally {
            tls.shutdownNow();
            plain.shutdownNow();
            cert.delete();
        }
    }

    @Test
    void aClosedPortIsNotTakenForTls() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(PROBE.test("127.0.0.1", port)).isFalse();
    }

    @Test
    void aRefusedCertificateNamesTheCaFileToCheck() {
        Status handshake = Status.UNAVAILABLE.withCause(new RuntimeException("ssl", new SSLHandshakeException("PKIX path building failed")));
        assertThat(KdsDial.of("grpcs://global:5685", DEFAULTS).hint(handshake, (h, p) -> false))
                .hasValueSatisfying(h -> assertThat(h).contains("the global's KDS certificate is not trusted: check ursa.zone.kds.ca-file"));
        assertThat(KdsDial.of("grpcs://global:5685", DEFAULTS).hint(Status.UNAUTHENTICATED.withDescription("zone token expired"), (h, p) -> true))
                .isEmpty();
    }
}
