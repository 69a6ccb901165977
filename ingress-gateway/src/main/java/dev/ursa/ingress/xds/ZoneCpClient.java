package dev.ursa.ingress.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.ursa.ingress.route.RoutingTable;
import dev.ursa.ingress.route.RoutingTableParser;
import dev.ursa.mesh.crosszone.IngressXds;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The ingress's xDS client: one ADS stream (SotW) to its zone CP subscribing to the ingress clusters (CDS, wildcard).
 * Each response is parsed whole: valid → ACK and the new table replaces the old one; invalid → NACK with the reason
 * and the last good table stays. A broken stream is re-opened with jittered exponential backoff, sending the last
 * accepted version (an unchanged zone CP then sends nothing); the last good table serves meanwhile.
 */
public final class ZoneCpClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ZoneCpClient.class.getName());

    /** Who the ingress is, as its zone CP registers it. */
    public record Identity(String name, String address, int port, String advertisedAddress, Integer advertisedPort) {
        Node node() {
            Struct.Builder meta = Struct.newBuilder().putFields("port", Value.newBuilder().setNumberValue(port).build());
            if (address != null) meta.putFields("address", Value.newBuilder().setStringValue(address).build());
            if (advertisedAddress != null) meta.putFields("advertisedAddress", Value.newBuilder().setStringValue(advertisedAddress).build());
            if (advertisedPort != null) meta.putFields("advertisedPort", Value.newBuilder().setNumberValue(advertisedPort).build());
            return Node.newBuilder().setId(IngressXds.nodeId(name)).setCluster("ursa-ingress")
                    .setUserAgentName("ursa-ingress-gateway")
                    .setMetadata(Struct.newBuilder().putFields(IngressXds.NODE_METADATA, Value.newBuilder().setStructValue(meta).build()))
                    .build();
        }
    }

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final Supplier<Optional<String>> token;
    private final Node node;
    private final Consumer<RoutingTable> sink;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ursa-ingress-xds");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<RoutingTable> last = new AtomicReference<>();
    private volatile boolean closed;
    private volatile boolean connected;
    private int failures;
    private String acceptedVersion = "";
    private long nacks;

    public ZoneCpClient(String address, Identity identity, Consumer<RoutingTable> sink, Duration backoffMin, Duration backoffMax) {
        this(address, identity, Optional::empty, sink, backoffMin, backoffMax);
    }

    /** @param token the zone token (scope ingress) sent as {@code authorization: Bearer} on every stream; asked at every connect */
    public ZoneCpClient(String address, Identity identity, Supplier<Optional<String>> token, Consumer<RoutingTable> sink, Duration backoffMin,
                        Duration backoffMax) {
        URI uri = URI.create(address);
        if (uri.getHost() == null || uri.getPort() <= 0 || !(uri.getScheme().equals("grpc") || uri.getScheme().equals("grpcs"))) {
            throw new IllegalArgumentException("zone CP address \"" + address + "\" must be grpc://host:port (or grpcs://)");
        }
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort())
                .keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS)
                .maxInboundMessageSize(64 * 1024 * 1024);
        this.channel = (uri.getScheme().equals("grpcs") ? b.useTransportSecurity() : b.usePlaintext()).build();
        this.token = token;
        this.node = identity.node();
        this.sink = sink;
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
    }

    public void start() {
        timer.execute(this::open);
    }

    /** Whether a routing table has been received (and accepted) since start: the ingress's readiness. */
    public boolean hasConfig() {
        return last.get() != null;
    }

    public boolean connected() {
        return connected;
    }

    public synchronized long nacks() {
        return nacks;
    }

    private void open() {
        if (closed) return;
        Stream stream = new Stream();
        AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
        Optional<String> current;
        try {
            current = token.get();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; retrying");
            reconnect();
            return;
        }
        if (current.isPresent()) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + current.get());
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        stream.requests = stub.streamAggregatedResources(stream);
        synchronized (this) {
            stream.send(request(acceptedVersion, "", null));
        }
    }

    private DiscoveryRequest request(String version, String nonce, String error) {
        DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RoutingTableParser.CLUSTER_TYPE_URL)
                .setVersionInfo(version).setResponseNonce(nonce);
        if (error != null) b.setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage(error));
        return b.build();
    }

    private void reconnect() {
        connected = false;
        if (closed) return;
        long max = backoffMax.toMillis();
        long delay = Math.min(max, backoffMin.toMillis() << Math.min(failures, 16));
        failures++;
        delay = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        timer.schedule(this::open, delay, TimeUnit.MILLISECONDS);
    }

    private final class Stream implements StreamObserver<DiscoveryResponse> {
        StreamObserver<DiscoveryRequest> requests;
        boolean done;

        void send(DiscoveryRequest r) {
            if (!done) requests.onNext(r);
        }

        @Override
        public void onNext(DiscoveryResponse response) {
            synchronized (ZoneCpClient.this) {
                connected = true;
                failures = 0;
                RoutingTable table;
                try {
                    table = RoutingTableParser.parse(response.getVersionInfo(), response.getResourcesList());
                } catch (RuntimeException e) {
                    // Not only the parser's own refusals: whatever the table cannot be built from is NACKed, never thrown
                    // into gRPC (which would break the stream and re-fetch the same bad table in a loop).
                    String reason = e instanceof IllegalArgumentException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
                    nacks++;
                    LOG.log(System.Logger.Level.WARNING, "rejected routing table " + response.getVersionInfo() + " (keeping " + acceptedVersion + "): " + reason);
                    send(request(acceptedVersion, response.getNonce(), reason));
                    return;
                }
                acceptedVersion = response.getVersionInfo();
                last.set(table);
                sink.accept(table);
                send(request(acceptedVersion, response.getNonce(), null));
            }
        }

        @Override
        public void onError(Throwable t) {
            synchronized (ZoneCpClient.this) {
                done = true;
            }
            Status.Code code = Status.fromThrowable(t).getCode();
            if (closed) {
                // shutting down
            } else if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
                LOG.log(System.Logger.Level.WARNING, "the zone CP refused this ingress (" + t.getMessage() + "): check ursa.ingress.token-file;"
                        + " retrying, keeping routing table " + acceptedVersion);
            } else {
                LOG.log(System.Logger.Level.INFO, "zone CP stream broke (" + t.getMessage() + "); reconnecting, keeping routing table " + acceptedVersion);
            }
            reconnect();
        }

        @Override
        public void onCompleted() {
            synchronized (ZoneCpClient.this) {
                done = true;
                requests.onCompleted();
            }
            reconnect();
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        channel.shutdownNow();
    }
}
