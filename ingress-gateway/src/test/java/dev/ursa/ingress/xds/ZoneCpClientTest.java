package dev.ursa.ingress.xds;

import com.google.protobuf.Any;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.ursa.ingress.route.RoutingTable;
import dev.ursa.mesh.crosszone.IngressXds;
import dev.ursa.testsupport.Await;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The ingress's ADS client against a scripted ADS server: ACK, NACK keeping the last good table, reconnect. */
class ZoneCpClientTest {
    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

    /** One scripted ADS server: records requests, lets the test send responses on the latest stream. */
    static final class FakeZoneCp extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase implements AutoCloseable {
        final BlockingQueue<DiscoveryRequest> requests = new LinkedBlockingQueue<>();
        /** The authorization header of each stream, in order. */
        final AuthorizationRecorder authorizations = new AuthorizationRecorder();
        final AtomicReference<StreamObserver<DiscoveryResponse>> stream = new AtomicReference<>();
        final Server server;

        FakeZoneCp(int port) throws Exception {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .addService(ServerInterceptors.intercept(this, authorizations)).build().start();
        }

        @Override
        public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
            stream.set(out);
            return new StreamObserver<>() {
                public void onNext(DiscoveryRequest r) {
                    requests.add(r);
                }

                public void onError(Throwable t) {
                }

                public void onCompleted() {
                }
            };
        }

        DiscoveryRequest next() throws InterruptedException {
            DiscoveryRequest r = requests.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("a request within 10 s").isNotNull();
            return r;
        }

        void send(String version, String nonce, Cluster... clusters) {
            DiscoveryResponse.Builder b = DiscoveryResponse.newBuilder().setVersionInfo(version).setNonce(nonce).setTypeUrl(CDS);
            for (Cluster c : clusters) b.addResources(Any.pack(c));
            stream.get().onNext(b.build());
        }

        @Override
        public void close() throws Exception {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static Cluster cluster(String sni, String service, int port, boolean withMetadata) {
        Cluster.Builder c = Cluster.newBuilder().setName(sni).setType(Cluster.DiscoveryType.STATIC)
                .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(sni).addEndpoints(LocalityLbEndpoints.newBuilder()
                        .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                                .setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(port)))))));
        if (withMetadata) {
            c.setMetadata(Metadata.newBuilder().putFilterMetadata(IngressXds.CLUSTER_METADATA, Struct.newBuilder()
                    .putFields("mesh", Value.newBuilder().setStringValue("default").build())
                    .putFields("service", Value.newBuilder().setStringValue(service).build())
                    .putFields("sni", Value.newBuilder().setStringValue(sni).build())
                    .putFields("authorities", Value.newBuilder().setListValue(ListValue.newBuilder()
                            .addValues(Value.newBuilder().setStringValue(service))).build())
                    .build()));
        }
        return c.build();
    }

    @Test
    void presentsItsTokenAsBearerOnEveryStreamReReadingTheTokenFile(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path tokenFile = dir.resolve("ingress.token");
        Files.writeString(tokenFile, "first-token\n");
        FakeZoneCp cp = new FakeZoneCp(port);
        ZoneCpClient client = new ZoneCpClient("grpc://127.0.0.1:" + port,
                new ZoneCpClient.Identity("ingress-1", "10.0.0.1", 10001, null, null), IngressToken.of(Optional.empty(), Optional.of(tokenFile.toString())),
                t -> { }, Duration.ofMillis(50), Duration.ofMillis(200));
        try {
            client.start();
            cp.next();
            assertThat(cp.authorizations.seen.poll(10, TimeUnit.SECONDS)).isEqualTo("Bearer first-token");
            Files.writeString(tokenFile, "second-token\n");
            cp.close(); // the stream breaks: the next one reads the file again
            cp = new FakeZoneCp(port);
            cp.next();
            assertThat(cp.authorizations.seen.poll(10, TimeUnit.SECONDS)).isEqualTo("Bearer second-token");
        } finally {
            client.close();
            cp.close();
        }
        assertThat(IngressToken.of(Optional.of(" inline "), Optional.empty()).get()).contains("inline");
        assertThat(IngressToken.of(Optional.empty(), Optional.empty()).get()).isEmpty();
    }

    @Test
    void acksNacksAndReconnectsKeepingTheLastGoodTable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AtomicReference<RoutingTable> table = new AtomicReference<>();
        FakeZoneCp cp = new FakeZoneCp(port);
        ZoneCpClient client = new ZoneCpClient("grpc://127.0.0.1:" + port,
                new ZoneCpClient.Identity("ingress-1", "10.0.0.1", 10001, "203.0.113.1", 443), table::set,
                Duration.ofMillis(50), Duration.ofMillis(200));
        try {
            client.start();
            DiscoveryRequest first = cp.next();
            assertThat(first.getNode().getId()).isEqualTo("ingress/ingress-1");
            Struct meta = first.getNode().getMetadata().getFieldsOrThrow(IngressXds.NODE_METADATA).getStructValue();
            assertThat(meta.getFieldsOrThrow("advertisedAddress").getStringValue()).isEqualTo("203.0.113.1");
            assertThat(meta.getFieldsOrThrow("port").getNumberValue()).isEqualTo(10001);
            assertThat(first.getTypeUrl()).isEqualTo(CDS);
            assertThat(client.hasConfig()).isFalse();

            cp.send("v1", "n1", cluster("backend.default.x.ursa", "backend", 7000, true));
            DiscoveryRequest ack = cp.next();
            assertThat(ack.getVersionInfo()).isEqualTo("v1");
            assertThat(ack.getResponseNonce()).isEqualTo("n1");
            assertThat(ack.hasErrorDetail()).isFalse();
            assertThat(client.hasConfig()).isTrue();
            assertThat(table.get().authority("backend").upstreams()).extracting(u -> u.port()).containsExactly(7000);

            cp.send("v2", "n2", cluster("broken", "broken", 7001, false)); // no routing metadata
            DiscoveryRequest nack = cp.next();
            assertThat(nack.getVersionInfo()).isEqualTo("v1");
            assertThat(nack.getResponseNonce()).isEqualTo("n2");
            assertThat(nack.getErrorDetail().getMessage()).contains("broken");
            assertThat(table.get().version()).isEqualTo("v1");

            cp.close(); // the zone CP goes away: the table stays
            assertThat(table.get().sni("backend.default.x.ursa")).isNotNull();
            cp = new FakeZoneCp(port);
            DiscoveryRequest resumed = cp.next();
            assertThat(resumed.getVersionInfo()).as("resumes with the last accepted version").isEqualTo("v1");
            assertThat(resumed.getNode().getId()).isEqualTo("ingress/ingress-1");
            cp.send("v3", "n3", cluster("backend.default.x.ursa", "backend", 7002, true));
            FakeZoneCp live = cp;
            Await.until("new table after reconnect", Duration.ofSeconds(10), () -> "v3".equals(table.get().version()));
            assertThat(live.next().getVersionInfo()).isEqualTo("v3");
        } finally {
            client.close();
            cp.close();
        }
    }
}
