package dev.ursa.it.chaos;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An xDS client on a zone CP as a proxyless gRPC workload runs one: a grpc-java ADS stream (SotW) with a dataplane token
 * and grpc-java's user agent, watching every cluster (CDS wildcard) and ACKing each response. Keeps the last clusters it was sent and counts stream failures.
 */
final class AdsWatcher implements StreamObserver<DiscoveryResponse>, AutoCloseable {
    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

    private final String nodeId;
    private final ManagedChannel channel;
    private final StreamObserver<DiscoveryRequest> requests;
    private final AtomicInteger responses = new AtomicInteger();
    private volatile Map<String, Cluster> clusters;
    private volatile Throwable failure;

    AdsWatcher(int xdsPort, String token, String name) {
        nodeId = "default." + name;
        channel = Grpc.newChannelBuilder("127.0.0.1:" + xdsPort, InsecureChannelCredentials.create()).build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        requests = AggregatedDiscoveryServiceGrpc.newStub(ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
                .streamAggregatedResources(this);
        send("", "");
    }

    private synchronized void send(String version, String nonce) {
        // grpc-java's user agent: the zone gives it the proxyless flavour, a cluster for every service of the mesh
        requests.onNext(DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId(nodeId).setUserAgentName("gRPC Java")).setTypeUrl(CDS)
                .addAllResourceNames(List.of()).setVersionInfo(version).setResponseNonce(nonce).build());
    }

    @Override
    public void onNext(DiscoveryResponse r) {
        Map<String, Cluster> got = new TreeMap<>();
        try {
            for (Any a : r.getResourcesList()) {
                Cluster c = a.unpack(Cluster.class);
                got.put(c.getName(), c);
            }
        } catch (InvalidProtocolBufferException e) {
            failure = e;
            return;
        }
        clusters = got;
        responses.incrementAndGet();
        send(r.getVersionInfo(), r.getNonce());
    }

    @Override
    public void onError(Throwable t) {
        failure = t;
    }

    @Override
    public void onCompleted() {
        failure = new IllegalStateException("the zone CP ended the stream");
    }

    /** The clusters of the last response; null before the first. */
    Map<String, Cluster> clusters() {
        return clusters;
    }

    int responses() {
        return responses.get();
    }

    /** Why the stream failed; null while it is up. */
    Throwable failure() {
        return failure;
    }

    String nodeId() {
        return nodeId;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
