package dev.ursa.zone.xds;

import dev.ursa.testsupport.Await;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The xDS port accepts its clients' keepalive pings. The ingress gateway pings its zone CP every 10 s; grpc-java's
 * server default (one ping per 5 min) strikes each and, at the third, sends GOAWAY too_many_pings and closes the
 * connection, the gateway's xDS stream with it. A client pinging every 10 s (grpc-java's shortest), here even without
 * a call, stays connected through four pings.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class KeepalivePermitTest {
    @Test
    void aClientPingingEveryTenSecondsStaysConnected() throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", XdsTestPort.port()).usePlaintext()
                .keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS).keepAliveWithoutCalls(true).build();
        try {
            Await.until("connected to the xDS port", Duration.ofSeconds(10), () -> ch.getState(true) == ConnectivityState.READY);
            // a GOAWAY closes the connection: the channel leaves READY (to IDLE)
            Await.holds("connected through 4 keepalive pings", Duration.ofSeconds(45), () -> ch.getState(false) == ConnectivityState.READY);
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
