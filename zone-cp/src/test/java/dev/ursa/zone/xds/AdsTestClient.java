package dev.ursa.zone.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Raw ADS streams over grpc-java with Envoy's protos, for what grpc-xds cannot do (delta xDS, node metadata, several
 * streams of one node, watching a refusal). Responses are queued; {@link #next} waits for one with a deadline.
 */
final class AdsTestClient implements AutoCloseable {
    static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    private final ManagedChannel channel;
    private final Channel calls;

    AdsTestClient(int port) {
        this(port, null);
    }

    /** Every stream of this client sends {@code authorization: Bearer <token>} (Envoy's way of presenting its token); null: none. */
    AdsTestClient(int port, String bearerToken) {
        this(port, bearerToken, true);
    }

    /** Every stream sends {@code authorization: <value>} as given. */
    static AdsTestClient withAuthorization(int port, String value) {
        return new AdsTestClient(port, value, false);
    }

    private AdsTestClient(int port, String credential, boolean bearer) {
        channel = Grpc.newChannelBuilder("localhost:" + port, InsecureChannelCredentials.create()).build();
        if (credential == null) {
            calls = channel;
        } else {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), bearer ? "Bearer " + credential : credential);
            calls = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        }
    }

    static Node node(String id, Map<String, String> metadata) {
        Struct.Builder md = Struct.newBuilder();
        metadata.forEach((k, v) -> md.putFields(k, Value.newBuilder().setStringValue(v).build()));
        return Node.newBuilder().setId(id).setMetadata(md).build();
    }

    /** The names of the listeners in an LDS response. */
    static List<String> listenerNames(DiscoveryResponse r) {
        return r.getResourcesList().stream().map(a -> {
            try {
                return a.unpack(Listener.class).getName();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    SotwStream sotw(Node node) {
        return new SotwStream(node);
    }

    DeltaStream delta(Node node) {
        return new DeltaStream(node);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Responses and the end of a stream, as the client saw them. */
    abstract static class Stream<R> implements StreamObserver<R>, AutoCloseable {
        final BlockingQueue<R> responses = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> closed = new CompletableFuture<>();

        @Override
        public void onNext(R value) {
            responses.add(value);
        }

        @Override
        public void onError(Throwable t) {
            closed.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            closed.complete(Status.OK);
        }

        /** The next response; fails when none arrives before the deadline. */
        R next(String what, Duration deadline) throws InterruptedException {
            R r = responses.poll(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) throw new AssertionError("no response (" + what + ") within " + deadline + "; stream end: " + closed.getNow(null));
            return r;
        }

        /** The status the server closed the stream with. */
        Status awaitClosed(Duration deadline) throws Exception {
            return closed.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A state-of-the-world ADS stream; sends the node on every request, as grpc-java does. */
    final class SotwStream extends Stream<DiscoveryResponse> {
        private final Node node;
        private final StreamObserver<DiscoveryRequest> requests;

        private SotwStream(Node node) {
            this.node = node;
            this.requests = AggregatedDiscoveryServiceGrpc.newStub(calls).streamAggregatedResources(this);
        }

        synchronized void request(String typeUrl, List<String> names) {
            requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(typeUrl).addAllResourceNames(names).build());
        }

        synchronized void ack(DiscoveryResponse r, List<String> names) {
            requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(r.getTypeUrl()).addAllResourceNames(names)
                    .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
        }

        /** Rejects {@code r}: the version last accepted stays (none here), the nonce names what is rejected, with a reason. */
        synchronized void nack(DiscoveryResponse r, List<String> names, String reason) {
            requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(r.getTypeUrl()).addAllResourceNames(names)
                    .setResponseNonce(r.getNonce())
                    .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage(reason)).build());
        }

        @Override
        public synchronized void close() {
            requests.onCompleted();
        }
    }

    /** A delta (incremental) ADS stream; sends the node on its first request only, as the protocol allows. */
    final class DeltaStream extends Stream<DeltaDiscoveryResponse> {
        private final Node node;
        private final StreamObserver<DeltaDiscoveryRequest> requests;
        private boolean nodeSent;

        private DeltaStream(Node node) {
            this.node = node;
            this.requests = AggregatedDiscoveryServiceGrpc.newStub(calls).deltaAggregatedResources(this);
        }

        synchronized void send(DeltaDiscoveryRequest.Builder request) {
            if (!nodeSent) {
                request.setNode(node);
                nodeSent = true;
            }
            requests.onNext(request.build());
        }

        void subscribe(String typeUrl, List<String> names) {
            send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl).addAllResourceNamesSubscribe(names));
        }

        void unsubscribe(String typeUrl, List<String> names) {
            send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl).addAllResourceNamesUnsubscribe(names));
        }

        void ack(DeltaDiscoveryResponse r) {
            send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce()));
        }

        @Override
        public synchronized void close() {
            requests.onCompleted();
        }
    }
}
