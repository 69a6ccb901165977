package dev.ursa.demo;

import com.google.protobuf.StringValue;
import com.sun.net.httpserver.HttpServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The demo server against a stand-in zone CP REST API (the real one is exercised by integration-tests' LocalLauncherIT). */
class DemoServerTest {
    HttpServer zoneApi;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger meshMissingAnswers = new AtomicInteger();

    @BeforeEach
    void startZoneApi() throws IOException {
        zoneApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        zoneApi.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + (auth == null ? "" : " [" + auth + "]")
                    + (body.isEmpty() ? "" : "\n" + body));
            // the zone has not received the mesh from the global yet: the first PUTs are refused
            int status = exchange.getRequestMethod().equals("PUT") && meshMissingAnswers.getAndDecrement() > 0 ? 404 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        zoneApi.start();
    }

    @AfterEach
    void stopZoneApi() {
        zoneApi.stop(0);
    }

    DemoServer server() {
        URI api = URI.create("http://127.0.0.1:" + zoneApi.getAddress().getPort());
        return new DemoServer(new DataplaneRegistration(api, "default"), "zone-2", "127.0.0.1");
    }

    @Test
    void registersAnswersWithItsZoneAndDeregistersOnStop() throws Exception {
        meshMissingAnswers.set(2);
        DemoServer server = server();
        int port = server.start("hello", Duration.ofSeconds(10));

        assertThat(requests).hasSize(3).allMatch(r -> r.startsWith("PUT /meshes/default/dataplanes/hello-zone-2\n"));
        assertThat(requests.getLast()).contains("address: 127.0.0.1", "- port: " + port, "kuma.io/service: hello", "kuma.io/protocol: grpc");

        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            String answer = ClientCalls.blockingUnaryCall(ch, Greeter.SAY_HELLO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
                    StringValue.of("hi")).getValue();
            assertThat(answer).isEqualTo("hello in zone-2 (instance hello-zone-2) got \"hi\"");
        } finally {
            ch.shutdownNow();
        }

        server.stop();
        assertThat(requests.getLast()).isEqualTo("DELETE /meshes/default/dataplanes/hello-zone-2");
        server.awaitTermination(); // returns: the gRPC server is down
    }

    @Test
    void givesUpWhenTheZoneKeepsRefusing() {
        meshMissingAnswers.set(Integer.MAX_VALUE);
        DemoServer server = server();
        try {
            assertThatThrownBy(() -> server.start("hello", Duration.ofMillis(600)))
                    .hasMessageContaining("refused Dataplane hello-zone-2").hasMessageContaining("404");
        } finally {
            server.stop();
        }
    }

    @Test
    void aUserTokenForTheZoneApiIsSentAsBearer() throws Exception {
        URI api = URI.create("http://127.0.0.1:" + zoneApi.getAddress().getPort());
        DataplaneRegistration registration = new DataplaneRegistration(api, "default", "user-token");
        assertThat(registration.deregister("hello-zone-2")).isTrue();
        assertThat(requests).containsExactly("DELETE /meshes/default/dataplanes/hello-zone-2 [Bearer user-token]");
    }

    @Test
    void bootstrapNamesTheZoneXdsServerAndTheNode() {
        assertThat(DemoClient.bootstrap("127.0.0.1:5678", "default.demo-client-7", null))
                .contains("\"server_uri\": \"127.0.0.1:5678\"", "\"id\": \"default.demo-client-7\"", "\"ursa.io/flavour\": \"proxyless\"");
    }
}
