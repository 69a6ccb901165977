package dev.ursa.cp.api.auth;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BearerAndLoopbackTest {
    @Test
    void bearerTokensAreTakenFromTheHeaderAndNothingElseIs() {
        assertThat(Bearer.token("Bearer abc.def.ghi")).contains("abc.def.ghi");
        assertThat(Bearer.token("bearer   abc ")).contains("abc");
        assertThat(Bearer.token("BEARER\tabc")).contains("abc");
        assertThat(Bearer.token("Bearer")).isEmpty();
        assertThat(Bearer.token("Bearer ")).isEmpty();
        assertThat(Bearer.token("Bearerabc")).isEmpty();
        assertThat(Bearer.token("Basic YWRtaW46YWRtaW4=")).isEmpty();
        assertThat(Bearer.token("Bearer a b")).isEmpty();
        assertThat(Bearer.token(null)).isEmpty();
    }

    @Test
    void onlyALoopbackPeerIsLoopback() {
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "127.0.0.1"))).isTrue();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "127.1.2.3"))).isTrue();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "::1"))).isTrue();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "0:0:0:0:0:0:0:1"))).isTrue();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "::ffff:127.0.0.1"))).isTrue();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "192.0.2.2"))).isFalse();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "::ffff:192.0.2.2"))).isFalse();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "fe80::1"))).isFalse();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "0.0.0.0"))).isFalse();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1234, "localhost"))).as("a name is never looked up").isFalse();
        assertThat(Loopback.isLoopback(SocketAddress.domainSocketAddress("x.sock"))).isFalse();
        assertThat(Loopback.isLoopback(null)).isFalse();
    }
}
