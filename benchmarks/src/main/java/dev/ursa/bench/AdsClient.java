package dev.ursa.bench;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * One lightweight simulated proxyless data plane: a single SotW ADS stream (a real gRPC stream), subscribed to LDS, RDS,
 * CDS and EDS for one service, ACKing every response as grpc-java does and remembering the acked version per type.
 * Cheap enough to run thousands in one JVM; {@link #markChange} + {@link #changeAckNanos()} time one config change.
 */
public final class AdsClient implements StreamObserver<DiscoveryResponse> {
    public static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    public static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    public static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    public static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Node node;
    private final String service;
    private final StreamObserver<DiscoveryRequest> requests;
    private final String[] acked = new String[4];
    private volatile String changeFrom;
    private volatile long changeAckNanos;
    private volatile long configuredNanos;
    private volatile Throwable error;
    private volatile RouteListener routeListener;

    /** Told of every RDS response carrying a version other than the one last ACKed, after its ACK has been sent. */
    @FunctionalInterface
    public interface RouteListener {
        void acked(DiscoveryResponse routes, long ackNanos);
    }

    /** Opens the stream and subscribes; the responses arrive on gRPC's threads. */
    public AdsClient(String nodeId, String service, Channel channel) {
        this(nodeId, service, channel, null);
    }

    /**
     * As {@link #AdsClient(String, String, Channel)}, presenting {@code dataplaneToken} as Envoy does
     * ({@code authorization: Bearer} on the stream); null: no token (a zone with {@code ursa.xds.auth=none}).
     */
    public AdsClient(String nodeId, String service, Channel channel, String dataplaneToken) {
        this.node = Node.newBuilder().setId(nodeId).setUserAgentName("gRPC Java").build();
        this.service = service;
        AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
        if (dataplaneToken != null) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + dataplaneToken);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        this.requests = stub.streamAggregatedResources(this);
        synchronized (this) {
            for (String type : List.of(LDS, RDS, CDS, EDS)) {
                requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addResourceNames(service).build());
            }
        }
    }

    public String acked(String type) {
        return acked[index(type)];
    }

    /** Has ACKed a route configuration and endpoints: the client could send traffic. */
    public boolean configured() {
        return acked(EDS) != null && acked(RDS) != null;
    }

    /** {@link System#nanoTime()} at which {@link #configured()} first became true; 0 before. */
    public long configuredNanos() {
        return configuredNanos;
    }

    /** Arms the timer of the next route change: the first RDS version other than {@code from} that this client ACKs. */
    public void markChange(String from) {
        changeAckNanos = 0;
        changeFrom = from;
    }

    /** {@link System#nanoTime()} of the ACK of the change armed by {@link #markChange}; 0 while not yet received. */
    public long changeAckNanos() {
        return changeAckNanos;
    }

    /** Sets (or, with null, clears) the listener of new route configurations (the churn phases of the federation runner). */
    public void onNewRoutes(RouteListener listener) {
        this.routeListener = listener;
    }

    /** The stream's error, if the server or the transport ended it. */
    public Throwable error() {
        return error;
    }

    @Override
    public synchronized void onNext(DiscoveryResponse r) {
        requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(r.getTypeUrl()).addResourceNames(service)
                .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
        int i = index(r.getTypeUrl());
        String previous = acked[i];
        acked[i] = r.getVersionInfo();
        if (configuredNanos == 0 && configured()) configuredNanos = System.nanoTime();
        if (r.getTypeUrl().equals(RDS) && changeFrom != null && !r.getVersionInfo().equals(changeFrom)) {
            changeAckNanos = System.nanoTime();
            changeFrom = null;
        }
        RouteListener listener = routeListener;
        if (listener != null && i == 1 && !r.getVersionInfo().equals(previous)) listener.acked(r, System.nanoTime());
    }

    @Override
    public void onError(Throwable t) {
        error = t;
    }

    @Override
    public void onCompleted() {
    }

    public synchronized void close() {
        if (error == null) requests.onCompleted();
    }

    /** Waits (polling every ms) until every client satisfies {@code done}; throws with the count missing at the deadline. */
    public static void awaitAll(Collection<AdsClient> clients, Predicate<AdsClient> done, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!clients.stream().allMatch(done)) {
            if (System.nanoTime() > end) {
                long missing = clients.stream().filter(done.negate()).count();
                throw new IllegalStateException(missing + " of " + clients.size() + " clients not done after " + deadline);
            }
            Thread.sleep(1); // polling interval of a condition with a deadline
        }
    }

    private static int index(String type) {
        return switch (type) {
            case LDS -> 0;
            case RDS -> 1;
            case CDS -> 2;
            default -> 3;
        };
    }
}
