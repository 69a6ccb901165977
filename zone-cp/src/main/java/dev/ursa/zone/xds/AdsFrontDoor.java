package dev.ursa.zone.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.controlplane.server.serializer.CachedProtoResourcesSerializer;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The zone's ADS endpoint (SotW and delta): java-control-plane's discovery server over the zone's snapshot cache, with
 * the callbacks run in this order on each request:
 * <ol>
 *   <li>the extra callbacks it is given, in their order (e.g. authentication: throwing a {@link RequestException} from
 *   {@code onV3StreamRequest} / {@code onV3StreamDeltaRequest} refuses the stream before any node state exists);</li>
 *   <li>its own: a stream's first request goes to the first {@link NodeHook} that handles the node (the last one,
 *   dataplanes, handles every node); it records the version sent per node and type (for {@link NackAwareWatcher}),
 *   and logs and counts NACKs ({@code ursa_xds_nacks}) before telling the node's hook.</li>
 * </ol>
 *
 * <p>Threads: runs on gRPC threads (and the sender threads); its state lives in concurrent maps, and gRPC delivers one
 * stream's requests and close one at a time.
 */
final class AdsFrontDoor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AdsFrontDoor.class);

    private final List<NodeHook> hooks = new CopyOnWriteArrayList<>();
    private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
    /** Per node id: its open streams and the version last sent per type URL; the entry goes with its last stream. */
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final SenderThreads senders;
    private final V3DiscoveryServer server;

    private record Stream(NodeHook hook, String nodeId) {
    }

    private static final class Sent {
        int streams;
        final Map<String, String> versions = new ConcurrentHashMap<>();
    }

    /** {@code nodes} handles every node no hook {@link #attach attached} later handles. */
    AdsFrontDoor(SimpleCache<String> cache, NodeHook nodes, List<DiscoveryServerCallbacks> extraCallbacks, StreamExecutors streamExecutors,
                 MeterRegistry meters) {
        this.meters = meters;
        this.hooks.add(nodes);
        this.senders = new SenderThreads(streamExecutors);
        List<DiscoveryServerCallbacks> callbacks = new ArrayList<>(extraCallbacks);
        callbacks.add(new Callbacks());
        this.server = new V3DiscoveryServer(callbacks, new NackAwareWatcher(cache, this::lastSent), senders, new CachedProtoResourcesSerializer());
    }

    /** Serves the nodes {@code hook} handles, before the hooks attached earlier. */
    void attach(NodeHook hook) {
        hooks.addFirst(hook);
    }

    /** The ADS implementation to serve on a gRPC server. */
    AggregatedDiscoveryServiceImplBase ads() {
        AggregatedDiscoveryServiceImplBase inner = server.getAggregatedDiscoveryServiceImpl();
        return new AggregatedDiscoveryServiceImplBase() {
            @Override
            public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
                return new NodeOnEveryRequest<>(inner.streamAggregatedResources(out), DiscoveryRequest::hasNode, DiscoveryRequest::getNode,
                        (r, n) -> r.toBuilder().setNode(n).build());
            }

            @Override
            public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(StreamObserver<DeltaDiscoveryResponse> out) {
                return new NodeOnEveryRequest<>(inner.deltaAggregatedResources(out), DeltaDiscoveryRequest::hasNode,
                        DeltaDiscoveryRequest::getNode, (r, n) -> r.toBuilder().setNode(n).build());
            }
        };
    }

    private String lastSent(String nodeId, String typeUrl) {
        Sent s = sent.get(nodeId);
        return s == null ? null : s.versions.get(typeUrl);
    }

    /** Parses and checks a node's first request on a stream; a bad node gets a clear error, nobody else is affected. */
    private void accept(long streamId, Node node) throws RequestException {
        NodeHook hook = hooks.stream().filter(h -> h.handles(node)).findFirst().orElseThrow();
        try {
            hook.connected(streamId, node);
        } catch (IllegalArgumentException e) {
            throw new RequestException(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        }
        sent.compute(node.getId(), (id, s) -> {
            Sent out = s == null ? new Sent() : s;
            out.streams++;
            return out;
        });
        streams.put(streamId, new Stream(hook, node.getId()));
    }

    private void closed(long streamId) {
        Stream s = streams.remove(streamId);
        if (s == null) return;
        s.hook().disconnected(streamId);
        sent.computeIfPresent(s.nodeId(), (id, n) -> --n.streams == 0 ? null : n);
    }

    private void nack(long streamId, String typeUrl, String keptVersion, String error) {
        Stream s = streams.get(streamId);
        LOG.warnf("xDS node %s rejected %s (keeps version %s): %s", s == null ? null : s.nodeId(), typeUrl, keptVersion, error);
        Counter.builder("ursa_xds_nacks").tag("type", typeUrl.substring(typeUrl.lastIndexOf('.') + 1))
                .description("xDS responses rejected by nodes").register(meters).increment();
        if (s != null) s.hook().nacked(streamId, typeUrl, keptVersion, error);
    }

    private void acked(long streamId, String typeUrl, String version) {
        Stream s = streams.get(streamId);
        if (s != null) s.hook().acked(streamId, typeUrl, version);
    }

    @Override
    public void close() {
        senders.close();
    }

    private final class Callbacks implements DiscoveryServerCallbacks {
        @Override
        public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
            if (!streams.containsKey(streamId)) accept(streamId, request.getNode());
            if (request.hasErrorDetail()) nack(streamId, request.getTypeUrl(), request.getVersionInfo(), request.getErrorDetail().getMessage());
            else if (!request.getResponseNonce().isEmpty()) acked(streamId, request.getTypeUrl(), request.getVersionInfo());
        }

        @Override
        public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
            if (!streams.containsKey(streamId)) accept(streamId, request.getNode());
            if (request.hasErrorDetail()) nack(streamId, request.getTypeUrl(), "", request.getErrorDetail().getMessage());
            else if (!request.getResponseNonce().isEmpty()) acked(streamId, request.getTypeUrl(), "");
        }

        @Override
        public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
            Stream s = streams.get(streamId);
            if (s == null) return;
            sent.computeIfPresent(s.nodeId(), (id, n) -> {
                n.versions.put(response.getTypeUrl(), response.getVersionInfo());
                return n;
            });
            s.hook().responded(streamId, response.getTypeUrl(), response.getVersionInfo());
        }

        @Override
        public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
            Stream s = streams.get(streamId);
            if (s != null) s.hook().responded(streamId, response.getTypeUrl(), response.getSystemVersionInfo());
        }

        @Override
        public void onStreamClose(long streamId, String typeUrl) {
            closed(streamId);
        }

        @Override
        public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
            closed(streamId);
        }
    }
}
