package dev.ursa.zone.xds;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An xDS engine over a store, served on a real gRPC port, with raw ADS streams as its nodes (mesh {@code default}):
 * for tests of what nodes are pushed, without an app around the engine.
 */
final class EngineOverAds implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    final ResourceStore store;
    final XdsEngine engine;
    private final Server server;
    private final AdsTestClient client;

    EngineOverAds(ResourceStore store, XdsEngine engine) throws IOException {
        this.store = store;
        this.engine = engine;
        engine.start();
        this.server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(engine.ads()).build().start();
        this.client = new AdsTestClient(server.getPort());
    }

    /** The gRPC port the engine is served on. */
    int port() {
        return server.getPort();
    }

    /** A SotW stream for node {@code default.<name>} that has received (and ACKed) its first listeners. */
    AdsTestClient.SotwStream connect(String name) throws Exception {
        var s = client.sotw(AdsTestClient.node("default." + name, Map.of()));
        s.request(AdsTestClient.LDS, List.of());
        assertThat(nextListeners(s).getResourcesCount()).as("%s configured", name).isPositive();
        return s;
    }

    /** A stream for node {@code default.<name>} that asked for listeners, with nothing awaited. */
    AdsTestClient.SotwStream open(String name) {
        var s = client.sotw(AdsTestClient.node("default." + name, Map.of()));
        s.request(AdsTestClient.LDS, List.of());
        return s;
    }

    /** The next listeners response on {@code s}, ACKed (other types are skipped). */
    static DiscoveryResponse nextListeners(AdsTestClient.SotwStream s) throws InterruptedException {
        while (true) {
            DiscoveryResponse r = s.next("listeners", WAIT);
            if (r.getTypeUrl().equals(AdsTestClient.LDS)) {
                s.ack(r, List.of());
                return r;
            }
        }
    }

    String listenersVersion(String name) {
        return engine.status(new NodeId("default", name)).orElseThrow().resources().listenersVersion();
    }

    void put(String yaml) throws Exception {
        write(store, yaml);
    }

    /** Writes before the engine starts: its start loads them at once (later writes reach it after the debounce). */
    static void write(ResourceStore store, String yaml) throws Exception {
        store.put(parse(yaml), Precondition.ANY).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static Resource parse(String yaml) {
        return ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
    }

    static String dataplane(String name, String service, int port) {
        return """
                type: Dataplane
                mesh: default
                name: %s
                networking:
                  address: 127.0.0.1
                  inbound:
                  - port: %d
                    tags: {kuma.io/service: %s, kuma.io/protocol: http}
                """.formatted(name, port, service);
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        engine.close();
    }
}
