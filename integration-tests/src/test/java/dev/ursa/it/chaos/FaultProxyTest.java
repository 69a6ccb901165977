package dev.ursa.it.chaos;

import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each fault of {@link FaultProxy} observably happens to a real TCP echo peer on loopback, and {@code heal} ends it. */
class FaultProxyTest {
    ServerSocket echo;
    FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> echo(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = new FaultProxy(echo.getLocalPort());
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the peer went away
        }
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", proxy.port());
        s.setSoTimeout(5_000);
        return s;
    }

    /** Sends {@code n} bytes and reads the echo; the time that took. */
    static Duration roundTrip(Socket s, int n) throws IOException {
        byte[] data = new byte[n];
        Arrays.fill(data, (byte) 7);
        long t0 = System.nanoTime();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                s.getOutputStream().write(data);
                s.getOutputStream().flush();
            } catch (IOException ignored) {
                // the reader fails too
            }
        });
        byte[] back = s.getInputStream().readNBytes(n);
        assertThat(back).as("echo").isEqualTo(data);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Test
    void forwardsBothWaysWithoutFaults() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, 100_000)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void latencyWithJitterDelaysEachDirection() throws IOException {
        try (Socket s = connect()) {
            proxy.latency(Duration.ofMillis(150), Duration.ofMillis(50));
            for (int i = 0; i < 5; i++) {
                // two legs through the proxy: at least 2 x 150 ms, at most 2 x 200 ms plus scheduling slack
                assertThat(roundTrip(s, 10)).isBetween(Duration.ofMillis(300), Duration.ofMillis(1_000));
            }
            proxy.heal();
            assertThat(roundTrip(s, 10)).isLessThan(Duration.ofMillis(250));
        }
    }

    @Test
    void bandwidthCapPacesTheBytes() throws IOException {
        try (Socket s = connect()) {
            proxy.bandwidth(64 * 1024);
            // 64 KiB at 64 KiB/s: about a second (both legs run at once)
            assertThat(roundTrip(s, 64 * 1024)).isGreaterThan(Duration.ofMillis(800));
            proxy.heal();
            assertThat(roundTrip(s, 64 * 1024)).isLessThan(Duration.ofMillis(400));
        }
    }

    @Test
    void stallKeepsTheConnectionOpenAndSilentThenDeliversOnResume() throws IOException {
        try (Socket s = connect()) {
            proxy.stall();
            s.getOutputStream().write(new byte[] {1, 2, 3});
            s.setSoTimeout(700);
            assertThatThrownBy(() -> s.getInputStream().read()).as("nothing arrives while stalled").isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.openConnections()).isEqualTo(1);
            proxy.resume();
            s.setSoTimeout(5_000);
            assertThat(s.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void resetAllResetsOpenConnectionsAndAcceptsNewOnes() throws IOException {
        try (Socket s = connect()) {
            roundTrip(s, 10);
            proxy.resetAll();
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(proxy.resets()).isEqualTo(1);
        }
        try (Socket s = connect()) {
            roundTrip(s, 10);
        }
    }

    @Test
    void retargetResetsOpenConnectionsAndSendsNewOnesToTheOtherPort() throws IOException {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress("127.0.0.1", 0));
            other.setSoTimeout(5_000);
            try (Socket s = connect()) {
                roundTrip(s, 10);
                proxy.retarget(other.getLocalPort());
                assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            }
            assertThat(proxy.resets()).isEqualTo(1);
            assertThat(proxy.target()).isEqualTo(other.getLocalPort());
            // the bytes of a new connection arrive at the other port, not at the echo peer
            try (Socket s = connect(); Socket upstream = other.accept()) {
                s.getOutputStream().write(new byte[] {4, 2});
                upstream.setSoTimeout(5_000);
                assertThat(upstream.getInputStream().readNBytes(2)).containsExactly(4, 2);
            }
        }
    }

    @Test
    void partitionResetsOpenAndRefusesNewConnectionsUntilHealed() throws IOException {
        try (Socket s = connect()) {
            roundTrip(s, 10);
            proxy.partition();
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class);
        }
        try (Socket s = connect()) {
            assertCut(s);
        }
        proxy.heal();
        try (Socket s = connect()) {
            roundTrip(s, 10);
        }
    }

    @Test
    void blackholeDropsEveryByteWithoutClosing() throws IOException {
        try (Socket open = connect()) {
            roundTrip(open, 10);
            proxy.blackhole();
            open.getOutputStream().write(new byte[] {9});
            try (Socket fresh = connect()) {
                fresh.getOutputStream().write(new byte[] {9});
                for (Socket s : new Socket[] {open, fresh}) {
                    s.setSoTimeout(500);
                    assertThatThrownBy(() -> s.getInputStream().read()).as("silence, no close").isInstanceOf(SocketTimeoutException.class);
                }
            }
            proxy.heal();
        }
        Await.until("a new connection forwards after heal", Duration.ofSeconds(5), () -> {
            try (Socket s = connect()) {
                return roundTrip(s, 10) != null;
            }
        });
    }

    @Test
    void aDownTargetIsSeenAsARefusedConnection() throws IOException {
        echo.close();
        try (Socket s = connect()) {
            assertCut(s);
        }
    }

    /** The proxy closed {@code s} without forwarding anything: a reset, or an end of stream when the RST raced the read. */
    static void assertCut(Socket s) throws IOException {
        try {
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).as("end of stream").isEqualTo(-1);
        } catch (SocketException e) {
            assertThat(e.getMessage()).containsAnyOf("reset", "Broken pipe");
        }
    }
}
