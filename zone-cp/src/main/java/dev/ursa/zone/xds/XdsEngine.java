package dev.ursa.zone.xds;

import dev.ursa.zone.Blocking;
import com.google.protobuf.Value;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.matching.MatchInput;
import dev.ursa.mesh.matching.PolicyMatcher;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.DataplaneSpec;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.zone.xds.plugins.Plugins;
import dev.ursa.zone.xds.render.RenderFailure;
import dev.ursa.zone.xds.view.IngressAddressResolver;
import dev.ursa.zone.xds.render.Renderer;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.CrossZoneEndpoints;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.EndpointSource;
import dev.ursa.zone.xds.view.LocalEndpoints;
import dev.ursa.zone.xds.view.MeshInputs;
import dev.ursa.zone.xds.view.OutboundView;
import dev.ursa.zone.xds.view.ViewBuilder;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.ExecutorGroup;
import io.envoyproxy.controlplane.server.serializer.CachedProtoResourcesSerializer;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The zone's xDS server: keeps a mirror of the store's meshes, dataplanes and policies, a state per connected node,
 * and pushes each node its own snapshot through java-control-plane's ADS server (SotW and delta).
 *
 * <h2>Threads</h2>
 * gRPC threads only parse and check requests; every state change (store changes, connects, disconnects, renders)
 * runs on one worker thread, so node and mesh state need no locks.
 *
 * <h2>Incremental recompute</h2>
 * Store changes are collected for {@link XdsSettings#debounce()} and applied per mesh. A change of the Mesh, or of the
 * mesh's service catalog (which services exist, their protocols), re-renders every node of the mesh; a policy change
 * re-renders the nodes the old or new policy selects; a dataplane change re-renders that dataplane's node and only the
 * endpoints (EDS) of nodes that use one of its services. Renders are memoised by their inputs, so many identical
 * clients cost one render; versions are content hashes per type per node.
 */
public final class XdsEngine implements AutoCloseable {
    /** Kuma's node metadata key: the node's Dataplane (JSON or YAML), for self-registration. */
    public static final String DATAPLANE_METADATA_KEY = "dataplane.resource";
    /** Label on Dataplanes the zone wrote from node metadata (deleted after their node left). */
    public static final String SELF_REGISTERED_LABEL = "ursa.io/self-registered";

    private static final System.Logger LOG = System.getLogger(XdsEngine.class.getName());
    private static final List<ResourceType> MIRRORED;

    static {
        List<ResourceType> types = new ArrayList<>();
        types.add(ResourceTypes.DATAPLANE);
        types.addAll(ViewBuilder.POLICY_TYPES);
        MIRRORED = List.copyOf(types);
    }

    private final ResourceStore store;
    private final XdsSettings settings;
    private final MeterRegistry meters;
    private final Renderer renderer;
    private final List<EndpointSource> endpointSources;
    private final IngressAddressResolver ingressAddresses;
    private final IngressAddressResolver dataplaneAddresses;
    private final DataplaneInsights insights;
    private final SimpleCache<String> cache = new AdsSnapshotCache();
    private final V3DiscoveryServer server;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ursa-xds");
        t.setDaemon(true);
        return t;
    });

    private final ExecutorService[] senders;
    private final Map<String, MeshState> meshes = new ConcurrentHashMap<>();
    private final Map<NodeId, NodeState> nodes = new ConcurrentHashMap<>();
    private final Map<Long, NodeId> streams = new ConcurrentHashMap<>();
    /**
     * The version last sent, per node id and type URL (see {@link NackAwareWatcher}). Written on every response, with
     * strings from parsed requests (their hash codes already computed); a node's entry goes when the node does.
     */
    private final Map<String, Map<String, String>> lastSent = new ConcurrentHashMap<>();
    private final RenderMemo<RenderKey, XdsResources> renders;
    private final RenderMemo<String, Snapshot> snapshots;
    /**
     * One instance per distinct view key: nodes of equal content hold the same key object, so the per-change lookup of
     * each node's prepared config is an identity match, not a deep comparison of dataplane specs.
     */
    private final RenderMemo<ViewKey, ViewKey> viewKeys;
    private final List<ChangeEvent> pending = new ArrayList<>();
    /** Every ZoneIngress (not mesh-scoped): other zones' ingresses are cross-zone endpoints in every mesh they serve. */
    private List<Resource> zoneIngresses = List.of();
    private ScheduledFuture<?> flush;
    private AutoCloseable subscription;
    private volatile NodeHook hook;
    private final Map<Long, String> hookedStreams = new ConcurrentHashMap<>();
    private final Counter fullRenders;
    private final Counter edsRenders;

    /**
     * Where one stream's responses are serialised and written, in order. Asked once per stream, on the thread that
     * opens it: a transport can answer with that stream's own I/O thread, so a response costs no extra thread hop.
     * Returns null to use one of the engine's sender threads.
     */
    public interface StreamExecutors {
        StreamExecutors SENDER_THREADS = () -> null;

        Executor forNewStream();
    }

    public XdsEngine(ResourceStore store, XdsSettings settings, MeterRegistry meters) {
        this(store, settings, meters, StreamExecutors.SENDER_THREADS);
    }

    public XdsEngine(ResourceStore store, XdsSettings settings, MeterRegistry meters, StreamExecutors streamExecutors) {
        this.store = store;
        this.settings = settings;
        this.meters = meters;
        this.renderer = new Renderer(Plugins.all(), settings.zone(), settings.renderFaultLabel());
        this.insights = new DataplaneInsights(store);
        // Bounded by entries: a render or snapshot is a few KB to a few hundred KB, so 10 000 stays well inside a zone's heap.
        this.renders = RenderMemo.bounded("renders", 10_000, meters);
        this.snapshots = RenderMemo.bounded("snapshots", 10_000, meters);
        this.viewKeys = RenderMemo.bounded("view_keys", 50_000, meters);
        this.ingressAddresses = IngressAddressResolver.system();
        // Dataplane host names get their own resolver: CrossZoneEndpoints prunes its names to the ingresses advertised.
        // Local names are never pruned (a name that leaves is still refreshed; they are few and cheap).
        this.dataplaneAddresses = IngressAddressResolver.system();
        this.endpointSources = List.of(new LocalEndpoints(settings.zone(), dataplaneAddresses::address),
                new CrossZoneEndpoints(settings.zone(), ingressAddresses));
        dataplaneAddresses.onChange(this::addressesChanged);
        // A changed or late DNS answer for another zone's ingress: the same path as a ZoneIngress change (equal configs push nothing).
        ingressAddresses.onChange(this::addressesChanged);
        // Responses are serialised and sent on a few sender threads, each stream always on the same one (order per
        // stream is kept) rather than on the thread that sets a snapshot; packed resources are cached by identity,
        // and renders are shared between nodes, so a thousand clients of one config pack it once.
        int n = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.senders = new ExecutorService[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            senders[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ursa-xds-send-" + id);
                t.setDaemon(true);
                return t;
            });
        }
        AtomicLong nextSender = new AtomicLong();
        ExecutorGroup group = () -> {
            Executor own = streamExecutors.forNewStream();
            return own != null ? own : senders[(int) (nextSender.getAndIncrement() % senders.length)];
        };
        this.server = new V3DiscoveryServer(List.of(new Callbacks()), new NackAwareWatcher(cache, this::lastSent), group,
                new CachedProtoResourcesSerializer());
        this.fullRenders = Counter.builder("ursa_xds_renders").tag("kind", "full").description("dataplane configs recomputed").register(meters);
        this.edsRenders = Counter.builder("ursa_xds_renders").tag("kind", "endpoints").description("dataplane endpoints recomputed").register(meters);
        meters.gauge("ursa_xds_nodes", nodes, Map::size);
    }

    /** The ADS implementation to serve on a gRPC server. */
    public AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase ads() {
        AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase inner = server.getAggregatedDiscoveryServiceImpl();
        return new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
            @Override
            public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
                return new NodeOnEveryRequest<>(inner.streamAggregatedResources(out), DiscoveryRequest::hasNode, DiscoveryRequest::getNode,
                        (r, n) -> r.toBuilder().setNode(n).build());
            }

            @Override
            public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
                    StreamObserver<DeltaDiscoveryResponse> out) {
                return new NodeOnEveryRequest<>(inner.deltaAggregatedResources(out), DeltaDiscoveryRequest::hasNode, DeltaDiscoveryRequest::getNode,
                        (r, n) -> r.toBuilder().setNode(n).build());
            }
        };
    }

    /**
     * xDS clients may send the node on a stream's first request only (Envoy always does on delta streams), while
     * java-control-plane's cache files every request's watch under that request's node id: without this a later
     * subscription or ACK would wait under the empty id and never be answered. Requests are delivered one at a time
     * per stream, so the remembered node needs no lock.
     */
    private static final class NodeOnEveryRequest<R> implements StreamObserver<R> {
        private final StreamObserver<R> delegate;
        private final Predicate<R> hasNode;
        private final Function<R, Node> node;
        private final BiFunction<R, Node, R> withNode;
        private Node first;

        NodeOnEveryRequest(StreamObserver<R> delegate, Predicate<R> hasNode,
                           Function<R, Node> node, BiFunction<R, Node, R> withNode) {
            this.delegate = delegate;
            this.hasNode = hasNode;
            this.node = node;
            this.withNode = withNode;
        }

        @Override
        public void onNext(R request) {
            if (hasNode.test(request)) {
                if (first == null) first = node.apply(request);
            } else if (first != null) {
                request = withNode.apply(request, first);
            }
            delegate.onNext(request);
        }

        @Override
        public void onError(Throwable t) {
            delegate.onError(t);
        }

        @Override
        public void onCompleted() {
            delegate.onCompleted();
        }
    }

    /** Loads the store and follows its change feed. */
    public void start() {
        subscription = store.changes().subscribe(this::onChange);
        call(() -> {
            zoneIngresses = listAll(ResourceTypes.ZONE_INGRESS);
            for (Resource mesh : listAll(ResourceTypes.MESH)) reloadMesh(mesh.meta().name());
            // Self-registered dataplanes whose node is gone (e.g. across a restart) leave after the grace period.
            for (MeshState ms : meshes.values()) {
                for (Resource dp : ms.inputs.dataplanes().values()) {
                    if (selfRegistered(dp)) {
                        scheduleRemoval(new NodeId(dp.meta().mesh(), dp.meta().name()));
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void close() throws Exception {
        if (subscription != null) subscription.close();
        ingressAddresses.close();
        dataplaneAddresses.close();
        worker.shutdownNow();
        for (var s : senders) s.shutdownNow();
    }

    /** Serves the nodes {@code hook} handles (zone ingresses); attach before {@link #start()}. */
    public void attach(NodeHook hook) {
        this.hook = hook;
    }

    /** Where a {@link NodeHook} publishes its nodes' snapshots (the same cache and ADS server as dataplanes). */
    public NodeHook.Snapshots snapshots() {
        return new NodeHook.Snapshots() {
            @Override
            public void set(String nodeId, Snapshot snapshot) {
                cache.setSnapshot(nodeId, snapshot);
            }

            @Override
            public void clear(String nodeId) {
                cache.clearSnapshot(nodeId);
            }
        };
    }

    // ---- inspection

    public Optional<NodeStatus> status(NodeId id) {
        return Optional.ofNullable(call(() -> {
            NodeState st = nodes.get(id);
            return st == null ? null : st.status();
        }));
    }

    public Set<NodeId> connectedNodes() {
        return Set.copyOf(nodes.keySet());
    }

    /**
     * The config {@code id} gets: the pushed one when connected, else rendered now in {@code flavour} from its
     * Dataplane. Empty when neither a node nor a Dataplane exists.
     */
    public Optional<Rendered> inspect(NodeId id, Flavour flavour) {
        return Optional.ofNullable(call(() -> {
            NodeState st = nodes.get(id);
            if (st != null && st.resources != null) return new Rendered(st.view, st.resources, true, st.renderFailure);
            MeshState ms = meshes.get(id.mesh());
            if (ms == null) return null;
            Resource dp = ms.inputs.dataplanes().get(id.name());
            if (dp == null) return null;
            try {
                DataplaneView view = ViewBuilder.build(id, flavour, dp, true, ms.inputs, ms.index);
                return new Rendered(view, renderer.render(view, ms.index), false, null);
            } catch (RuntimeException e) {
                return new Rendered(null, null, false, RenderFailure.of(e, dp, Instant.now()));
            }
        }));
    }

    /**
     * A dataplane's view and config; {@code connected} false when rendered on request for a node not connected.
     * {@code failure} is set when its config cannot be computed now: view and resources are then its last good ones
     * (null when it never had any).
     */
    public record Rendered(DataplaneView view, XdsResources resources, boolean connected, RenderFailure failure) {
    }

    // ---- store changes

    /** A resolved host name changed: recompute endpoints as for a ZoneIngress change (equal configs push nothing). */
    private void addressesChanged() {
        onChange(new ChangeEvent(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", ""), ChangeKind.UPDATED, 0, Instant.now()));
    }

    private void onChange(ChangeEvent e) {
        String type = e.key().type();
        if (!type.equals(ResourceTypes.MESH.name()) && !type.equals(ResourceTypes.ZONE_INGRESS.name())
                && MIRRORED.stream().noneMatch(t -> t.name().equals(type))) {
            return;
        }
        synchronized (pending) {
            pending.add(e);
            if (flush == null) {
                flush = worker.schedule(this::applyChanges, settings.debounce().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    private void applyChanges() {
        List<ChangeEvent> batch;
        synchronized (pending) {
            batch = List.copyOf(pending);
            pending.clear();
            flush = null;
        }
        Map<String, List<ResourceKey>> byMesh = new LinkedHashMap<>();
        if (batch.stream().anyMatch(e -> e.key().type().equals(ResourceTypes.ZONE_INGRESS.name()))) {
            // An ingress change can touch every mesh; meshes whose endpoints come out equal push nothing.
            try {
                zoneIngresses = listAll(ResourceTypes.ZONE_INGRESS);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.ERROR, "reloading zone ingresses failed", ex);
            }
            meshes.keySet().forEach(m -> byMesh.put(m, new ArrayList<>()));
        }
        for (ChangeEvent e : batch) {
            if (e.key().type().equals(ResourceTypes.ZONE_INGRESS.name())) continue;
            String mesh = e.key().type().equals(ResourceTypes.MESH.name()) ? e.key().name() : e.key().mesh();
            byMesh.computeIfAbsent(mesh, m -> new ArrayList<>()).add(e.key());
        }
        byMesh.forEach((mesh, keys) -> {
            try {
                applyMeshChanges(mesh, keys);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.ERROR, "recomputing mesh " + mesh + " failed", ex);
            }
        });
    }

    private void applyMeshChanges(String mesh, List<ResourceKey> keys) {
        MeshState old = meshes.get(mesh);
        boolean meshChanged = old == null || keys.stream().anyMatch(k -> k.type().equals(ResourceTypes.MESH.name()));
        if (meshChanged) {
            reloadMesh(mesh);
            nodesIn(mesh).forEach(this::renderFull);
            return;
        }
        Map<String, Resource> dataplanes = new HashMap<>(old.inputs.dataplanes());
        Map<ResourceType, List<Resource>> policies = new HashMap<>(old.inputs.policies());
        Set<String> changedDataplanes = new HashSet<>();
        List<Resource[]> changedPolicies = new ArrayList<>(); // {old, new}, either may be null
        for (ResourceKey key : new LinkedHashSet<>(keys)) {
            Resource now;
            try {
                now = await(store.get(key)).orElse(null);
            } catch (StoreException.Unreadable e) {
                continue; // its stored row does not decode (the store logs it): keep the version held, apply the rest
            }
            if (key.type().equals(ResourceTypes.DATAPLANE.name())) {
                if (now == null) dataplanes.remove(key.name()); else dataplanes.put(key.name(), now);
                changedDataplanes.add(key.name());
            } else {
                ResourceType type = ResourceTypes.byName(key.type()).orElseThrow();
                List<Resource> list = new ArrayList<>(policies.getOrDefault(type, List.of()));
                Resource before = list.stream().filter(r -> r.key().equals(key)).findFirst().orElse(null);
                list.removeIf(r -> r.key().equals(key));
                if (now != null) list.add(now);
                policies.put(type, List.copyOf(list));
                changedPolicies.add(new Resource[]{before, now});
            }
        }
        MeshInputs inputs = new MeshInputs(mesh, old.inputs.meshResource(), dataplanes, policies, zoneIngresses);
        MeshState next = new MeshState(inputs, EndpointIndex.build(inputs, endpointSources));
        meshes.put(mesh, next);

        List<NodeState> inMesh = nodesIn(mesh);
        if (!next.index.catalog().equals(old.index.catalog())) {
            inMesh.forEach(this::renderFull);
            return;
        }
        Set<String> changedServices = next.index.changedServices(old.index);
        // Nodes with equal view keys match policies alike, unless a changed policy selects dataplanes by name: then
        // the name (left out of the key) matters and each node is matched on its own.
        boolean byKey = changedPolicies.stream().flatMap(Arrays::stream).noneMatch(r -> r != null && MeshState.namesDataplanes(r));
        Map<ViewKey, Boolean> selectedByKey = new HashMap<>();
        for (NodeState st : inMesh) {
            boolean full = changedDataplanes.contains(st.id.name()) || (byKey && st.viewKey != null
                    ? selectedByKey.computeIfAbsent(st.viewKey, k -> changedPolicies.stream().anyMatch(p -> selects(st, p)))
                    : changedPolicies.stream().anyMatch(p -> selects(st, p)));
            if (full) {
                renderFull(st);
            } else if (st.resources != null && st.resources.edsClusters().stream().anyMatch(r -> changedServices.contains(r.service()))) {
                renderEndpoints(st);
            }
        }
    }

    /** Whether the old or the new version of a policy selects the node. */
    private boolean selects(NodeState st, Resource[] change) {
        if (st.view == null) return true;
        MatchInput input = MatchInput.of(st.view.dataplane());
        List<Resource> versions = new ArrayList<>();
        if (change[0] != null) versions.add(change[0]);
        if (change[1] != null) versions.add(change[1]);
        try {
            return !PolicyMatcher.matchingPolicies(input, versions).isEmpty();
        } catch (RuntimeException e) {
            return true; // re-render: the render then records the failure against this node
        }
    }

    private void reloadMesh(String mesh) {
        Optional<Resource> meshResource = await(store.get(ResourceKey.of(ResourceTypes.MESH, "", mesh)));
        if (meshResource.isEmpty()) {
            meshes.remove(mesh);
            return;
        }
        Map<String, Resource> dataplanes = new HashMap<>();
        Map<ResourceType, List<Resource>> policies = new HashMap<>();
        for (ResourceType type : MIRRORED) {
            List<Resource> all = listAll(type, mesh);
            if (type == ResourceTypes.DATAPLANE) {
                all.forEach(dp -> dataplanes.put(dp.meta().name(), dp));
            } else if (!all.isEmpty()) {
                policies.put(type, all);
            }
        }
        MeshInputs inputs = new MeshInputs(mesh, meshResource, dataplanes, policies, zoneIngresses);
        meshes.put(mesh, new MeshState(inputs, EndpointIndex.build(inputs, endpointSources)));
    }

    private List<Resource> listAll(ResourceType type) {
        return listAll(type, null);
    }

    private List<Resource> listAll(ResourceType type, String mesh) {
        return await(store.listAll(ListQuery.inMesh(type, mesh)));
    }

    private List<NodeState> nodesIn(String mesh) {
        return nodes.values().stream().filter(n -> n.id.mesh().equals(mesh)).toList();
    }

    // ---- rendering

    private void renderFull(NodeState st) {
        MeshState ms = meshes.get(st.id.mesh());
        if (ms == null) {
            setSnapshot(st, null, null, null);
            return;
        }
        Resource dp = ms.inputs.dataplanes().get(st.id.name());
        if (dp == null && st.selfRegistration != null) dp = st.selfRegistration;
        boolean registered = dp != null;
        if (!registered && !settings.allowUnregisteredClients()) {
            setSnapshot(st, null, null, null);
            return;
        }
        Resource effective = registered ? dp : st.clientOnly();
        ViewKey key = st.viewKey(effective, registered, ms.policiesNameDataplanes(), this::canonical);
        // Once per key and mesh generation: a thousand identical clients cost one lookup each, not one render each.
        Prepared prepared = ms.prepared.computeIfAbsent(key, k -> prepare(ms, st, effective, registered, k));
        if (prepared.failure() != null) {
            renderFailed(st, prepared.failure());
            return;
        }
        renderRecovered(st);
        DataplaneView shared = prepared.view();
        DataplaneView view = shared.id().equals(st.id) ? shared
                : new DataplaneView(st.id, shared.flavour(), effective, registered, shared.inbounds(), shared.outbounds(), shared.policies());
        st.fullRenders++;
        fullRenders.increment();
        setSnapshot(st, view, prepared.resources(), prepared.snapshot());
    }

    /**
     * View, config and snapshot for a view key in a mesh generation; shared by every node with that key. A failure is
     * kept like a result, so a thousand nodes of a key that cannot render cost one attempt per mesh generation.
     */
    private Prepared prepare(MeshState ms, NodeState st, Resource dp, boolean registered, ViewKey key) {
        try {
            DataplaneView view = ms.views.computeIfAbsent(key, k -> ViewBuilder.build(st.id, st.flavour, dp, registered, ms.inputs, ms.index));
            XdsResources res = renders.get(RenderKey.of(view), k -> renderer.render(view, ms.index));
            MeshState.Eds eds = ms.eds(res.edsClusters());
            res = res.withEndpoints(eds.assignments(), eds.version());
            return new Prepared(view, res, snapshot(res), null);
        } catch (RuntimeException e) {
            return new Prepared(null, null, null, RenderFailure.of(e, dp, Instant.now()));
        }
    }

    record Prepared(DataplaneView view, XdsResources resources, Snapshot snapshot, RenderFailure failure) {
    }

    /**
     * The node keeps the config it has (its last good one, or none yet); the failure is logged once, counted, and shown
     * in its status and {@code _config}. Other nodes are not affected: each key renders on its own.
     */
    private void renderFailed(NodeState st, RenderFailure failure) {
        Counter.builder("ursa_xds_render_errors").description("dataplane configs that could not be computed (the node keeps its last good one)")
                .tag("mesh", st.id.mesh()).tag("type", failure.type()).tag("name", failure.names()).register(meters).increment();
        if (!failure.sameAs(st.renderFailure)) {
            LOG.log(System.Logger.Level.WARNING, "xDS config of " + st.id + " cannot be computed because of " + failure.type() + " "
                    + failure.resources() + ": " + failure.message() + "; it keeps its last good config ("
                    + (st.resources == null ? "none yet" : "listeners " + st.resources.listenersVersion()) + ")");
            st.renderFailure = failure;
            if (hasDataplane(st)) insights.renderFailing(st.id, failure);
        }
    }

    private void renderRecovered(NodeState st) {
        if (st.renderFailure == null) return;
        LOG.log(System.Logger.Level.INFO, "xDS config of " + st.id + " computes again (it failed because of " + st.renderFailure.type() + " "
                + st.renderFailure.resources() + ")");
        st.renderFailure = null;
        insights.clear(st.id);
    }

    /** Insights belong to dataplanes: a client-only node (no Dataplane) has none. */
    private boolean hasDataplane(NodeState st) {
        MeshState ms = meshes.get(st.id.mesh());
        return st.selfRegistration != null || (ms != null && ms.inputs.dataplanes().containsKey(st.id.name()));
    }

    private void renderEndpoints(NodeState st) {
        MeshState ms = meshes.get(st.id.mesh());
        if (ms == null || st.resources == null) return;
        XdsResources res;
        try {
            MeshState.Eds eds = ms.eds(st.resources.edsClusters());
            res = st.resources.withEndpoints(eds.assignments(), eds.version());
        } catch (RuntimeException e) {
            Resource dp = ms.inputs.dataplanes().getOrDefault(st.id.name(), st.view == null ? st.clientOnly() : st.view.dataplane());
            renderFailed(st, RenderFailure.of(e, dp, Instant.now()));
            return;
        }
        st.edsRenders++;
        edsRenders.increment();
        setSnapshot(st, st.view, res, null);
    }

    /** {@code snapshot} may be null: it is then looked up (or built) from the resources' versions. */
    private void setSnapshot(NodeState st, DataplaneView view, XdsResources res, Snapshot snapshot) {
        if (res == null) {
            res = new XdsResources(List.of(), "empty", List.of(), "empty", List.of(), "empty", Set.of(), List.of(), "empty");
        }
        XdsResources before = st.resources;
        st.view = view;
        st.resources = res;
        if (before != null && before.listenersVersion().equals(res.listenersVersion()) && before.routesVersion().equals(res.routesVersion())
                && before.clustersVersion().equals(res.clustersVersion()) && before.endpointsVersion().equals(res.endpointsVersion())) {
            return;
        }
        cache.setSnapshot(st.id.toString(), snapshot != null ? snapshot : snapshot(res));
    }

    private ViewKey canonical(ViewKey key) {
        return viewKeys.get(key, k -> k); // an evicted key only costs a deep compare later
    }

    /** Snapshot.create hashes every resource; nodes with equal content share one immutable snapshot. */
    private Snapshot snapshot(XdsResources r) {
        String key = r.listenersVersion() + r.routesVersion() + r.clustersVersion() + r.endpointsVersion();
        Snapshot snapshot = snapshots.get(key, k -> Snapshot.create(r.clusters(), r.clustersVersion(), r.endpoints(),
                r.endpointsVersion(), r.listeners(), r.listenersVersion(), r.routes(), r.routesVersion(), List.of(), ""));
        return snapshot;
    }

    /**
     * What a node's view depends on (its name only if a policy of the mesh names dataplanes). Its hash is computed once:
     * every node's key is looked up on every change of its mesh.
     */
    record ViewKey(Flavour flavour, Object spec, Map<String, String> labels, String name, boolean registered, int hash) {
        static ViewKey of(Flavour flavour, Resource dp, String name, boolean registered) {
            return new ViewKey(flavour, dp.spec(), dp.meta().labels(), name, registered,
                    Objects.hash(flavour, dp.spec(), dp.meta().labels(), name, registered));
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof ViewKey k && k.hash == hash && k.registered == registered && k.flavour == flavour
                    && k.name.equals(name) && k.spec.equals(spec) && k.labels.equals(labels);
        }
    }

    /** What a render depends on besides the endpoints: equal keys render equal configs. */
    record RenderKey(Flavour flavour, String mesh, DataplaneSpec spec, List<OutboundView> outbounds, List<Object> policies) {
        static RenderKey of(DataplaneView view) {
            List<Object> policies = new ArrayList<>();
            view.policies().forEach((type, rules) -> rules.matches().forEach(m ->
                    policies.add(List.of(m.policy().key(), m.policy().meta().version(), m.policy().spec()))));
            return new RenderKey(view.flavour(), view.id().mesh(), view.spec(), view.outbounds(), policies);
        }
    }

    // ---- nodes

    private void connected(NodeId id, Node node, Flavour flavour, Resource selfRegistration, long streamId) {
        NodeState st = nodes.computeIfAbsent(id, k -> new NodeState(id, flavour));
        st.streams.add(streamId);
        if (st.removal != null) {
            st.removal.cancel(false);
            st.removal = null;
        }
        if (selfRegistration != null) {
            st.selfRegistration = selfRegistration;
            register(selfRegistration);
        }
        if (st.streams.size() == 1 || st.resources == null) renderFull(st);
    }

    /**
     * Stores a node's own Dataplane unless one was written through the API. Decided on the store's current state (the
     * mirror lags by the debounce) and written with a precondition, so an API write in between is never overwritten.
     */
    private void register(Resource dp) {
        store.get(dp.key()).thenCompose(existing -> {
            if (existing.isPresent() && !selfRegistered(existing.get())) {
                return CompletableFuture.completedFuture(null); // the API's Dataplane wins
            }
            return store.put(dp, existing.map(e -> Precondition.version(e.meta().version())).orElse(Precondition.ABSENT));
        }).whenComplete((r, err) -> {
            if (err != null) LOG.log(System.Logger.Level.WARNING, "self-registration of " + dp.key() + " failed: " + err.getMessage());
        });
    }

    private static boolean selfRegistered(Resource dp) {
        return "true".equals(dp.meta().labels().get(SELF_REGISTERED_LABEL));
    }

    private void disconnected(NodeId id, long streamId) {
        NodeState st = nodes.get(id);
        if (st == null) return;
        st.streams.remove(streamId);
        if (st.streams.isEmpty()) scheduleRemoval(id);
    }

    private void scheduleRemoval(NodeId id) {
        NodeState st = nodes.get(id);
        Runnable remove = () -> {
            NodeState now = nodes.get(id);
            if (now != null && !now.streams.isEmpty()) return;
            NodeState gone = nodes.remove(id);
            if (gone != null && gone.renderFailure != null) insights.clear(id);
            cache.clearSnapshot(id.toString());
            lastSent.remove(id.toString());
            // Decided on the store's current state, deleted only at the version seen: an API write in between stays.
            store.get(ResourceKey.of(ResourceTypes.DATAPLANE, id.mesh(), id.name())).thenCompose(dp -> dp.isPresent() && selfRegistered(dp.get())
                    ? store.delete(dp.get().key(), Precondition.version(dp.get().meta().version()))
                    : CompletableFuture.completedFuture(null)).whenComplete((r, err) -> {
                if (err != null) LOG.log(System.Logger.Level.DEBUG, "removing self-registered " + id + ": " + err.getMessage());
            });
        };
        ScheduledFuture<?> f = worker.schedule(remove, settings.selfRegistrationGrace().toMillis(), TimeUnit.MILLISECONDS);
        if (st != null) st.removal = f;
    }

    private String lastSent(String nodeId, String typeUrl) {
        return lastSent.getOrDefault(nodeId, Map.of()).get(typeUrl);
    }

    /** Parses and checks a node's first request on a stream; a bad node gets a clear error, nobody else is affected. */
    private void accept(long streamId, Node node) throws RequestException {
        NodeHook h = hook;
        if (h != null && h.handles(node)) {
            try {
                h.connected(streamId, node);
            } catch (IllegalArgumentException e) {
                throw new RequestException(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            }
            hookedStreams.put(streamId, node.getId());
            return;
        }
        NodeId id;
        Flavour flavour;
        Resource self;
        try {
            id = NodeId.parse(node.getId());
            flavour = Flavour.of(node);
            self = selfRegistration(id, node);
        } catch (IllegalArgumentException e) {
            throw new RequestException(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        }
        if (self == null && !settings.allowUnregisteredClients()) {
            MeshState ms = meshes.get(id.mesh());
            if (ms == null || !ms.inputs.dataplanes().containsKey(id.name())) {
                throw new RequestException(Status.PERMISSION_DENIED.withDescription("no Dataplane \"" + id.name() + "\" in mesh \"" + id.mesh()
                        + "\": register it (REST or node metadata \"" + DATAPLANE_METADATA_KEY + "\") or set ursa.xds.allow-unregistered-clients=true"));
            }
        }
        streams.put(streamId, id);
        Resource selfRegistration = self;
        worker.execute(() -> connected(id, node, flavour, selfRegistration, streamId));
    }

    /** The Dataplane in the node's metadata, validated; null when there is none. */
    static Resource selfRegistration(NodeId id, Node node) {
        Value v = node.getMetadata().getFieldsOrDefault(DATAPLANE_METADATA_KEY, null);
        if (v == null) return null;
        if (!v.hasStringValue()) {
            throw new IllegalArgumentException("node metadata \"" + DATAPLANE_METADATA_KEY + "\" must be a Dataplane as a JSON or YAML string");
        }
        Resource dp;
        try {
            dp = ResourceCodec.decode(ResourceCodec.parse(v.getStringValue().getBytes(StandardCharsets.UTF_8), Format.YAML));
            ResourceValidation.validate(dp);
        } catch (ValidationException e) {
            throw new IllegalArgumentException("node metadata \"" + DATAPLANE_METADATA_KEY + "\" is not a valid Dataplane: " + e.violations());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("node metadata \"" + DATAPLANE_METADATA_KEY + "\" is not a valid Dataplane: " + e.getMessage());
        }
        if (dp.type() != ResourceTypes.DATAPLANE || !dp.meta().mesh().equals(id.mesh()) || !dp.meta().name().equals(id.name())) {
            throw new IllegalArgumentException("node metadata \"" + DATAPLANE_METADATA_KEY + "\" must be the Dataplane \"" + id.name()
                    + "\" of mesh \"" + id.mesh() + "\" (the node id), got " + dp.type().name() + " " + dp.meta().mesh() + "/" + dp.meta().name());
        }
        Map<String, String> labels = new HashMap<>(dp.meta().labels());
        labels.put(SELF_REGISTERED_LABEL, "true");
        return dp.withMeta(Meta.fresh(dp.meta().mesh(), dp.meta().name(), labels));
    }

    private final class Callbacks implements DiscoveryServerCallbacks {
        @Override
        public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
            if (!streams.containsKey(streamId) && !hookedStreams.containsKey(streamId)) accept(streamId, request.getNode());
            if (request.hasErrorDetail()) nack(streamId, request.getTypeUrl(), request.getVersionInfo(), request.getErrorDetail().getMessage());
        }

        @Override
        public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
            if (!streams.containsKey(streamId) && !hookedStreams.containsKey(streamId)) accept(streamId, request.getNode());
            if (request.hasErrorDetail()) nack(streamId, request.getTypeUrl(), "", request.getErrorDetail().getMessage());
        }

        @Override
        public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
            if (streams.containsKey(streamId) || hookedStreams.containsKey(streamId)) {
                lastSent.computeIfAbsent(request.getNode().getId(), n -> new ConcurrentHashMap<>()).put(response.getTypeUrl(), response.getVersionInfo());
            }
        }

        @Override
        public void onStreamClose(long streamId, String typeUrl) {
            closed(streamId);
        }

        @Override
        public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
            closed(streamId);
        }

        private void closed(long streamId) {
            String hooked = hookedStreams.remove(streamId);
            NodeHook h = hook;
            if (hooked != null && h != null) h.disconnected(streamId);
            if (hooked != null && !hookedStreams.containsValue(hooked)) lastSent.remove(hooked); // its last stream: forget it
            NodeId id = streams.remove(streamId);
            if (id != null) worker.execute(() -> disconnected(id, streamId));
        }

        private void nack(long streamId, String typeUrl, String keptVersion, String error) {
            Object id = streams.containsKey(streamId) ? streams.get(streamId) : hookedStreams.get(streamId);
            LOG.log(System.Logger.Level.WARNING, "xDS node " + id + " rejected " + typeUrl + " (keeps version " + keptVersion + "): " + error);
            Counter.builder("ursa_xds_nacks").tag("type", typeUrl.substring(typeUrl.lastIndexOf('.') + 1))
                    .description("xDS responses rejected by nodes").register(meters).increment();
            if (id instanceof NodeId nodeId) worker.execute(() -> {
                NodeState st = nodes.get(nodeId);
                if (st != null) {
                    st.nacks++;
                    st.lastNack = typeUrl + ": " + error;
                }
            });
        }
    }

    /** Per-node state; touched only on the worker thread. */
    private static final class NodeState {
        final NodeId id;
        final Flavour flavour;
        final Set<Long> streams = new HashSet<>();
        Resource selfRegistration;
        DataplaneView view;
        /** The view key and the Dataplane and naming it was computed for (recomputed only when either changes). */
        ViewKey viewKey;
        private Resource viewKeyDataplane;
        private boolean viewKeyNamed;
        private Resource clientOnly;
        XdsResources resources;
        ScheduledFuture<?> removal;
        long fullRenders;
        long edsRenders;
        long nacks;
        String lastNack;
        RenderFailure renderFailure;

        NodeState(NodeId id, Flavour flavour) {
            this.id = id;
            this.flavour = flavour;
        }

        Resource clientOnly() {
            if (clientOnly == null) clientOnly = ViewBuilder.clientOnly(id);
            return clientOnly;
        }

        ViewKey viewKey(Resource dp, boolean registered, boolean named, UnaryOperator<ViewKey> canonical) {
            if (viewKey == null || viewKeyDataplane != dp || viewKeyNamed != named || viewKey.registered() != registered) {
                viewKey = canonical.apply(ViewKey.of(flavour, dp, named ? id.name() : "", registered));
                viewKeyDataplane = dp;
                viewKeyNamed = named;
            }
            return viewKey;
        }

        NodeStatus status() {
            return new NodeStatus(id, flavour, streams.size(), selfRegistration != null, view, resources, fullRenders, edsRenders, nacks, lastNack,
                    renderFailure);
        }
    }

    // ---- helpers

    private <T> T call(Callable<T> task) {
        return Blocking.call(worker, task);
    }

    private static <T> T await(CompletionStage<T> stage) {
        return Blocking.await(stage);
    }
}
