package dev.ursa.global.kds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.sync.KdsGrpc;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import dev.ursa.sync.StoreSink;
import dev.ursa.sync.peer.Backoff;
import dev.ursa.sync.peer.KdsZoneClient;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;

/**
 * Simulated zones for the global's KDS tests: the real zone-side client, over TLS verified with the CA the global serves
 * at {@code GET /kds/ca.pem}, each with its own in-memory store. Closes everything it made.
 */
final class KdsTestZones implements AutoCloseable {
    private final int port;
    private final String caPem;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    KdsTestZones(int port) {
        this(port, ca());
    }

    /** The CA the global serves ({@code GET /kds/ca.pem}). */
    static String ca() {
        RestAssuredYaml.enable();
        return given().get("/kds/ca.pem").then().statusCode(200).extract().asString();
    }

    /** @param caPem the CA the zones trust (null for a plaintext global) */
    KdsTestZones(int port, String caPem) {
        RestAssuredYaml.enable();
        this.port = port;
        this.caPem = caPem;
    }

    /** A simulated zone: its own store, synced by the real zone-side client; what its client heard. */
    record Zone(InMemoryStore store, KdsZoneClient client, CompletableFuture<Void> synced, List<Status> disconnects) {
        boolean refusedWith(Status.Code code, String reason) {
            return disconnects.stream().anyMatch(s -> s.getCode() == code && s.getDescription() != null && s.getDescription().contains(reason));
        }
    }

    static String token(String zone, String validFor) {
        return given().contentType("application/json").body("{\"zone\":\"" + zone + "\",\"validFor\":\"" + validFor + "\"}")
                .post("/tokens/zone").then().statusCode(200).extract().asString();
    }

    static String token(String zone, String scopeJson, String validFor) {
        return given().contentType("application/json")
                .body("{\"zone\":\"" + zone + "\",\"scope\":" + scopeJson + ",\"validFor\":\"" + validFor + "\"}")
                .post("/tokens/zone").then().statusCode(200).extract().asString();
    }

    ManagedChannel tlsChannel(String caPemToTrust) {
        try {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .sslContext(GrpcSslContexts.forClient().trustManager(new ByteArrayInputStream(caPemToTrust.getBytes(StandardCharsets.US_ASCII))).build())
                    .build();
            closeables.add(ch::shutdownNow);
            return ch;
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    ManagedChannel plaintextChannel() {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        closeables.add(ch::shutdownNow);
        return ch;
    }

    Channel channel(String token, String claimedZone) {
        return withCredentials(tlsChannel(caPem), token, claimedZone);
    }

    static Channel withCredentials(Channel ch, String token, String claimedZone) {
        Metadata md = new Metadata();
        if (token != null) md.put(KdsGrpc.AUTHORIZATION, "Bearer " + token);
        if (claimedZone != null) md.put(KdsGrpc.ZONE, claimedZone);
        md.put(KdsGrpc.CP_VERSION, "test-1.0");
        return ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(md));
    }

    Zone zone(String name, String token) {
        return zone(name, token, new InMemoryStore());
    }

    Zone zone(String name, String token, InMemoryStore zoneStore) {
        return zone(channel(token, name), zoneStore);
    }

    Zone zone(Channel channel, InMemoryStore zoneStore) {
        return zone(channel, zoneStore, null);
    }

    /** @param inspector answers the global's Inspect questions; null: the zone opens no Inspect stream (an older zone CP) */
    Zone zone(Channel channel, InMemoryStore zoneStore, KdsZoneClient.Inspector inspector) {
        ResourceIndex local = new ResourceIndex(zoneStore, KdsTypes.zoneToGlobal(),
                r -> !KdsTypes.ORIGIN_GLOBAL.equals(r.meta().labels().get(KdsTypes.ORIGIN_LABEL))).start();
        closeables.add(local);
        CompletableFuture<Void> synced = new CompletableFuture<>();
        List<Status> disconnects = new CopyOnWriteArrayList<>();
        KdsZoneClient client = new KdsZoneClient(channel, local, StoreSink.fromGlobal(zoneStore),
                KdsZoneClient.Settings.of(timer, Executors.newVirtualThreadPerTaskExecutor())
                        .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), new Random()))
                        .withBatchWindow(Duration.ofMillis(10)),
                new KdsZoneClient.Events() {
                    @Override
                    public void synced(Duration took) {
                        synced.complete(null);
                    }

                    @Override
                    public void disconnected(Status status, Duration retryIn) {
                        disconnects.add(status);
                    }
                }, inspector);
        closeables.add(client);
        client.start();
        return new Zone(zoneStore, client, synced, disconnects);
    }

    /** Opens GlobalToZone with raw credentials and returns the status it ends with. */
    Status rawCall(String token, String claimedZone) throws Exception {
        return rawCall(channel(token, claimedZone));
    }

    static Status rawCall(Channel channel) throws Exception {
        CompletableFuture<Status> ended = new CompletableFuture<>();
        StreamObserver<DeltaDiscoveryRequest> req = KdsGrpc.globalToZone(channel, CallOptions.DEFAULT, new StreamObserver<>() {
            @Override
            public void onNext(DeltaDiscoveryResponse value) {
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        req.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(KdsTypes.typeUrl(ResourceTypes.MESH)).build());
        return ended.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
        timer.shutdownNow();
    }
}
