package dev.ursa.zone.xds;

import dev.ursa.cp.leader.LeaderTask;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.cp.leader.SoleLeadership;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.zone.xds.plugins.Plugins;
import dev.ursa.zone.xds.render.RenderFailure;
import dev.ursa.zone.xds.mtls.MeshTrust;
import dev.ursa.zone.xds.mtls.WorkloadCertificate;
import dev.ursa.zone.xds.mtls.IssuerSwitches;
import dev.ursa.zone.xds.mtls.WorkloadCertificates;
import dev.ursa.zone.xds.render.Renderer;
import dev.ursa.zone.xds.render.XdsResources;
import dev.ursa.zone.xds.view.CrossZoneEndpoints;
import dev.ursa.zone.xds.view.DataplaneView;
import dev.ursa.zone.xds.view.IngressAddressResolver;
import dev.ursa.zone.xds.view.LocalEndpoints;
import dev.ursa.zone.xds.view.ViewBuilder;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The zone's xDS server: pushes each connected node its own snapshot over ADS (SotW and delta). It only wires parts
 * that each own their state and their thread:
 * <ul>
 *   <li>{@link MeshMirror}: the store's meshes as generations of immutable {@link MeshState} (thread {@code ursa-xds-mirror});</li>
 *   <li>{@link NodeSessions}: streams to dataplane nodes, removal after the grace period (thread {@code ursa-xds});</li>
 *   <li>{@link NodeConfigs} with its {@link RenderMemo}s: incremental recompute and push of node configs ({@code ursa-xds});</li>
 *   <li>{@link SelfRegistration}: Dataplanes that nodes register in their metadata (no state; store threads);</li>
 *   <li>{@link DataplaneInsights}: each dataplane's streams published as its DataplaneInsight, coalesced per node ({@code ursa-xds});</li>
 *   <li>{@link AdsFrontDoor}: java-control-plane's ADS server, its callbacks, NACKs (gRPC threads).</li>
 * </ul>
 *
 * <p>Threads: holds no mutable state of its own; a mesh change reported on the mirror's thread is recomputed on the
 * {@code ursa-xds} worker, which owns every node's state.
 */
public final class XdsEngine implements AutoCloseable {
    /** Kuma's node metadata key: the node's Dataplane (JSON or YAML), for self-registration. */
    public static final String DATAPLANE_METADATA_KEY = SelfRegistration.METADATA_KEY;
    /** Label on Dataplanes the zone wrote from node metadata (deleted after their node left). */
    public static final String SELF_REGISTERED_LABEL = SelfRegistration.LABEL;

    /** How often the leader looks for streams of stopped replicas when not told (the default lease duration). */
    public static final Duration DEFAULT_REAP_PERIOD = Duration.ofSeconds(5);

    private final XdsSettings settings;
    private final SimpleCache<String> cache = new AdsSnapshotCache();
    private final SerialWorker worker = new SerialWorker("ursa-xds");
    private final SerialWorker mirrorWorker = new SerialWorker("ursa-xds-mirror");
    /** Only waits for certificate renewals; the renewal itself runs on {@link #worker}. */
    private final ScheduledThreadPoolExecutor certificateTimer = certificateTimer();
    private final IngressAddressResolver ingressAddresses = IngressAddressResolver.system();
    /** Dataplane host names get their own resolver: CrossZoneEndpoints prunes its names to the ingresses advertised. */
    private final IngressAddressResolver dataplaneAddresses = IngressAddressResolver.system();
    private final Renderer renderer;
    private final ResourceStore store;
    private final DataplaneInsights insights;
    private final SelfRegistration selfRegistration;
    private final MeshMirror mirror;
    private final NodeSessions<NodeId, DataplaneNode> sessions;
    private final NodeConfigs configs;
    private final AdsFrontDoor frontDoor;
    private final IssuerSwitches issuerSwitches;
    private final Leadership replicas;
    private final Duration reapPeriod;
    private LeaderTask stoppedReplicas;

    public XdsEngine(ResourceStore store, XdsSettings settings, MeterRegistry meters) {
        this(store, settings, meters, StreamExecutors.SENDER_THREADS);
    }

    public XdsEngine(ResourceStore store, XdsSettings settings, MeterRegistry meters, StreamExecutors streamExecutors) {
        this(store, settings, meters, streamExecutors, List.of());
    }

    /** @param extraCallbacks run before the engine's own on every stream event, in this order (see {@link AdsFrontDoor}) */
    public XdsEngine(ResourceStore store, XdsSettings settings, MeterRegistry meters, StreamExecutors streamExecutors,
                     List<DiscoveryServerCallbacks> extraCallbacks) {
        this(store, settings, meters, streamExecutors, extraCallbacks, new SoleLeadership(), DEFAULT_REAP_PERIOD);
    }

    /**
     * @param replicas   the zone CP's replicas on its database: this one's id stamps its insight subscriptions, and the
     *                   leader closes those of stopped replicas every {@code reapPeriod}
     */
    public XdsEngine(ResourceStore store, XdsSettings settings, MeterRegistry meters, StreamExecutors streamExecutors,
                     List<DiscoveryServerCallbacks> extraCallbacks, Leadership replicas, Duration reapPeriod) {
        this.settings = settings;
        this.replicas = replicas;
        this.reapPeriod = reapPeriod;
        this.renderer = new Renderer(Plugins.all(), settings.zone(), settings.renderFaultLabel());
        this.store = store;
        this.insights = new DataplaneInsights(store, worker, settings.insightFlushInterval(), replicas,
                st -> st.selfRegistration != null || registeredDataplane(st.id).isPresent());
        this.selfRegistration = new SelfRegistration(store);
        this.mirror = new MeshMirror(store, List.of(new LocalEndpoints(settings.zone(), dataplaneAddresses::address),
                new CrossZoneEndpoints(settings.zone(), ingressAddresses)), mirrorWorker, settings.debounce(), this::meshChanged);
        // A changed or late DNS answer: the same path as a ZoneIngress change (equal configs push nothing).
        dataplaneAddresses.onChange(mirror::addressesChanged);
        ingressAddresses.onChange(mirror::addressesChanged);
        this.sessions = new NodeSessions<>(worker, settings.selfRegistrationGrace(), this::removed);
        this.issuerSwitches = new IssuerSwitches(settings.trustPropagation());
        this.configs = new NodeConfigs(renderer, mirror::mesh, settings.allowUnregisteredClients(), insights, cache, meters,
                new WorkloadCertificates(Clock.systemUTC(), settings.renewFraction(), issuerSwitches, meters), this::recheckCertificate);
        this.frontDoor = new AdsFrontDoor(cache, new Dataplanes(), extraCallbacks, streamExecutors, meters);
        meters.gauge("ursa_xds_nodes", sessions, NodeSessions::size);
    }

    /** The zone's record of CA switches, shared by sidecar certificates and the CSR signer of proxyless workloads. */
    public IssuerSwitches issuerSwitches() {
        return issuerSwitches;
    }

    /** The ADS implementation to serve on a gRPC server. */
    public AggregatedDiscoveryServiceImplBase ads() {
        return frontDoor.ads();
    }

    /** Loads the store and follows its change feed. */
    public void start() {
        mirror.start();
        // Streams an earlier run of this CP or a stopped sibling replica left "online" are closed by the leader.
        StoppedReplicaStreams reaper = new StoppedReplicaStreams(store, replicas, Clock.systemUTC(), this::orphaned);
        stoppedReplicas = LeaderTask.periodic(replicas, "dataplane streams of stopped replicas", reapPeriod, reaper::round);
        // Self-registered dataplanes whose node is gone (e.g. across a restart) leave after the grace period.
        worker.call(() -> {
            for (MeshState ms : mirror.current().meshes().values()) {
                for (Resource dp : ms.inputs.dataplanes().values()) {
                    if (SelfRegistration.isSelfRegistered(dp)) sessions.scheduleRemoval(new NodeId(dp.meta().mesh(), dp.meta().name()));
                }
            }
            return null;
        });
    }

    @Override
    public void close() throws Exception {
        if (stoppedReplicas != null) stoppedReplicas.close();
        mirror.close();
        ingressAddresses.close();
        dataplaneAddresses.close();
        mirrorWorker.close();
        certificateTimer.shutdownNow();
        worker.close();
        frontDoor.close();
    }

    /** Serves the nodes {@code hook} handles (zone ingresses); attach before {@link #start()}. */
    public void attach(NodeHook hook) {
        frontDoor.attach(hook);
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
        return Optional.ofNullable(worker.call(() -> {
            DataplaneNode st = sessions.get(id);
            return st == null ? null : st.status(sessions.streams(id));
        }));
    }

    public Set<NodeId> connectedNodes() {
        return sessions.nodes();
    }

    /** The Dataplane the engine's mirror holds for a node (API or self-registered); any thread, never blocks. */
    public Optional<Resource> registeredDataplane(NodeId id) {
        MeshState ms = mirror.mesh(id.mesh());
        return ms == null ? Optional.empty() : Optional.ofNullable(ms.inputs.dataplanes().get(id.name()));
    }

    /** The mTLS state of {@code mesh} as the engine's mirror holds it; empty when the mesh is not here (any thread). */
    public Optional<MeshTrust.State> meshTrust(String mesh) {
        MeshState ms = mirror.mesh(mesh);
        return ms == null ? Optional.empty() : Optional.of(ms.trust);
    }

    /** Why policies of {@code type} have no effect on dataplanes of {@code flavour}; empty when they apply. */
    public Optional<String> notApplied(ResourceType type, Flavour flavour) {
        return renderer.plugins().notApplied(type, flavour);
    }

    /**
     * The config {@code id} gets: the pushed one when connected, else rendered now in {@code flavour} from its
     * Dataplane. Empty when neither a node nor a Dataplane exists.
     */
    public Optional<Rendered> inspect(NodeId id, Flavour flavour) {
        return Optional.ofNullable(worker.call(() -> {
            DataplaneNode st = sessions.get(id);
            if (st != null && st.resources != null) return new Rendered(st.view, st.resources, true, st.renderFailure, st.certificate);
            MeshState ms = mirror.mesh(id.mesh());
            Resource dp = ms == null ? null : ms.inputs.dataplanes().get(id.name());
            if (dp == null) return null;
            try {
                DataplaneView view = ViewBuilder.build(id, flavour, dp, true, ms.inputs, ms.index, ms.destinations);
                return new Rendered(view, renderer.render(view, ms.index), false, null, null);
            } catch (RuntimeException e) {
                return new Rendered(null, null, false, RenderFailure.of(e, dp, Instant.now()), null);
            }
        }));
    }

    /**
     * A dataplane's view and config; {@code connected} false when rendered on request for a node not connected.
     * {@code certificate}: the one it holds (mTLS meshes, connected nodes), else null.
     * {@code failure} is set when its config cannot be computed now: view and resources are then its last good ones
     * (null when it never had any).
     */
    public record Rendered(DataplaneView view, XdsResources resources, boolean connected, RenderFailure failure,
                           WorkloadCertificate certificate) {
    }

    /** This zone CP replica's id in its dataplanes' insights ({@code controlPlaneInstanceId}); another at each start, as in Kuma. */
    public String instanceId() {
        return replicas.instanceId();
    }

    /** The replicas of this zone CP sharing its database, and which one leads. */
    public Leadership replicas() {
        return replicas;
    }

    // ---- wiring

    /** A node whose every stream was held by stopped replicas (any thread): it leaves after the grace unless it reconnects. */
    private void orphaned(NodeId id) {
        worker.execute(() -> {
            if (sessions.get(id) == null && registeredDataplane(id).filter(SelfRegistration::isSelfRegistered).isPresent()) {
                sessions.scheduleRemoval(id);
            }
        });
    }

    /** Called on the mirror's thread: the nodes' state is the worker's. */
    private void meshChanged(MeshChange change) {
        worker.execute(() -> configs.meshChanged(change, sessions.matching(id -> id.mesh().equals(change.mesh()))));
    }

    /** One thread that only waits; a cancelled wait leaves its queue at once (a node re-renders often, renews rarely). */
    private static ScheduledThreadPoolExecutor certificateTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ursa-xds-certificates");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** (worker) Re-renders {@code node} at {@code at}, if it is still connected then: its certificate may be due. */
    private void recheckCertificate(DataplaneNode node, Instant at) {
        if (node.certificateCheck != null && at.equals(node.certificateCheckAt)) return; // already waiting for it
        if (node.certificateCheck != null) node.certificateCheck.cancel(false);
        node.certificateCheckAt = at;
        // Rounded up: a check that came a moment early would find the certificate not due and wait again.
        long delayMs = Math.max(0, Duration.between(Instant.now(), at).toMillis() + 1);
        try {
            node.certificateCheck = certificateTimer.schedule(() -> worker.execute(() -> {
                node.certificateCheck = null; // this check is over (the node's state is the worker's)
                if (sessions.get(node.id) == node) configs.renderFull(node);
            }), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the engine is closing
        }
    }

    /** A node gone for the grace period (worker): its insight, snapshot and self-registered Dataplane go too. */
    private void removed(NodeId id, DataplaneNode gone) {
        if (gone != null && gone.certificateCheck != null) gone.certificateCheck.cancel(false);
        // Offline, not deleted; deleted only with a self-registered Dataplane (a node never connected in this run is one).
        cache.clearSnapshot(id.toString());
        // A node that moved to another live replica keeps its Dataplane (that replica serves it now).
        insights.gone(id, gone, gone == null || gone.selfRegistration != null).thenAccept(servedElsewhere -> {
            if (!servedElsewhere) selfRegistration.unregister(id);
        });
    }

    /** Every node no other hook handles is a dataplane, {@code <mesh>.<name>} (gRPC threads: parse, check, hand over). */
    private final class Dataplanes implements NodeHook {
        @Override
        public boolean handles(Node node) {
            return true;
        }

        @Override
        public void connected(long streamId, Node node) throws RequestException {
            NodeId id = NodeId.parse(node.getId());
            Flavour flavour = Flavour.of(node);
            Resource self = SelfRegistration.parse(id, node);
            Instant now = Instant.now();
            if (self == null && !settings.allowUnregisteredClients()) {
                MeshState ms = mirror.mesh(id.mesh());
                if (ms == null || !ms.inputs.dataplanes().containsKey(id.name())) {
                    throw new RequestException(Status.PERMISSION_DENIED.withDescription("no Dataplane \"" + id.name() + "\" in mesh \"" + id.mesh()
                            + "\": register it (REST or node metadata \"" + DATAPLANE_METADATA_KEY + "\") or set ursa.xds.allow-unregistered-clients=true"));
                }
            }
            sessions.open(streamId, id, k -> new DataplaneNode(k, flavour), (st, streams) -> {
                if (self != null) {
                    st.selfRegistration = self;
                    selfRegistration.register(self);
                }
                if (streams == 1 || st.resources == null) configs.renderFull(st);
                st.subscriptions.opened(streamId, now);
                insights.changed(st, true);
            });
        }

        @Override
        public void disconnected(long streamId) {
            NodeId id = sessions.nodeOf(streamId);
            Instant now = Instant.now();
            sessions.close(streamId);
            if (id != null) sessions.update(id, st -> {
                st.subscriptions.closed(streamId, now);
                insights.changed(st, true);
            });
        }

        @Override
        public void nacked(long streamId, String typeUrl, String keptVersion, String error) {
            NodeId id = sessions.nodeOf(streamId);
            Instant now = Instant.now();
            if (id != null) sessions.update(id, st -> {
                st.nacks++;
                st.lastNack = typeUrl + ": " + error;
                st.subscriptions.nacked(streamId, typeUrl, keptVersion, error, now);
                insights.changed(st, true);
            });
        }

        @Override
        public void responded(long streamId, String typeUrl, String version) {
            NodeId id = sessions.nodeOf(streamId);
            Instant now = Instant.now();
            if (id != null) sessions.update(id, st -> {
                st.subscriptions.sent(streamId, typeUrl, version, now);
                insights.changed(st, false);
            });
        }

        @Override
        public void acked(long streamId, String typeUrl, String version) {
            NodeId id = sessions.nodeOf(streamId);
            Instant now = Instant.now();
            if (id != null) sessions.update(id, st -> {
                st.subscriptions.acked(streamId, typeUrl, version, now);
                insights.changed(st, false);
            });
        }
    }
}
