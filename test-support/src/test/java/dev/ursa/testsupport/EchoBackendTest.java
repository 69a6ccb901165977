package dev.ursa.testsupport;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EchoBackendTest {
    @Test
    void answersItsNameEchoesOnRequestAndFailsEveryNthCall() throws Exception {
        try (EchoBackend b = new EchoBackend("zone-1/b-1")) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", b.port()).usePlaintext().build();
            try {
                assertThat(EchoBackend.call(ch, "hi")).isEqualTo("zone-1/b-1");
                assertThat(EchoBackend.call(ch, "echo:abc")).isEqualTo("zone-1/b-1:abc");
                assertThat(b.calls()).isEqualTo(2);
                assertThat(b.lastCallNanos()).isPositive();
                b.failEvery(3);
                assertThatThrownBy(() -> EchoBackend.call(ch, "hi")).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
                b.failEvery(0);
                long sent = System.nanoTime();
                assertThat(EchoBackend.call(ch, "sleep:50")).isEqualTo("zone-1/b-1");
                assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("answered after the requested wait")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(50));
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void aTlsBackendCompletesAHandshakeWithItsCertificate() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("secure.test");
        try (EchoBackend b = new EchoBackend("secure-1", cert.certificate(), cert.privateKey())) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", b.port()).overrideAuthority("secure.test")
                    .sslContext(GrpcSslContexts.forClient().trustManager(cert.cert()).build()).build();
            ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", b.port()).usePlaintext().build();
            try {
                assertThat(EchoBackend.call(ch, "echo:x")).isEqualTo("secure-1:x");
                assertThatThrownBy(() -> EchoBackend.call(plain, "hi", 2000)).isInstanceOf(StatusRuntimeException.class);
            } finally {
                ch.shutdownNow();
                plain.shutdownNow();
            }
        } finally {
            cert.delete();
        }
    }
}
