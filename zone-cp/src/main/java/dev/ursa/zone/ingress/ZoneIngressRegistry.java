package dev.ursa.zone.ingress;

import dev.ursa.cp.leader.LeaderTask;
import dev.ursa.cp.leader.Leadership;
import dev.ursa.cp.leader.SoleLeadership;
import dev.ursa.mesh.codec.ResourceValidation;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneIngressSpec;
import dev.ursa.mesh.resources.ZoneIngressSpec.AvailableService;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.validation.ValidationException;
import dev.ursa.sync.KdsTypes;
import dev.ursa.zone.xds.Debouncer;
import dev.ursa.zone.xds.NodeHook;
import dev.ursa.zone.xds.NodeSessions;
import dev.ursa.zone.xds.SelfRegistration;
import dev.ursa.zone.xds.SerialWorker;
import dev.ursa.zone.xds.XdsEngine;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.ursa.zone.xds.SerialWorker.await;

/**
 * The zone's ingresses: registers a ZoneIngress for each connected ingress node (and removes it a grace period after
 * its last stream closed), keeps every local ZoneIngress's {@code availableServices} equal to the zone's aggregate, and
 * serves each ingress node its routing table ({@link IngressClusters}) over the zone's ADS server.
 *
 * <p>Scale: the aggregate is kept per mesh and recomputed only for meshes whose Dataplanes changed (debounced); a
 * ZoneIngress is written only when its content (networking or aggregate) differs from the stored one, so an endpoint
 * change that leaves the tag sets and instance counts equal (an address change, a restart) writes nothing and KDS sends
 * nothing.
 *
 * <p>Replicas: with several zone CP replicas on one database, the replica an ingress is connected to registers its
 * ZoneIngress and stamps it with its instance id ({@link #HOLDER_LABEL}); only that replica removes it when the ingress
 * leaves it (not when it moved to another live replica), and the leader removes those whose replica stopped. Only the
 * leader rewrites the aggregate into every ZoneIngress (all replicas compute the same one).
 *
 * <p>Threads: gRPC threads only parse a node and hand it over; the inventory, the table and the ingresses' sessions
 * live on the registry's own worker thread ({@code ursa-ingress-registry}).
 */
public final class ZoneIngressRegistry implements NodeHook, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ZoneIngressRegistry.class);
    /** The zone CP replica holding the ingress's stream; another replica's stamp means the ingress moved there. */
    public static final String HOLDER_LABEL = "ursa.io/zone-cp-instance";

    private final ResourceStore store;
    private final String zone;
    private final Duration grace;
    private final NodeHook.Snapshots snapshots;
    private final SerialWorker worker = new SerialWorker("ursa-ingress-registry");
    private final Debouncer<String> changedMeshes;
    private final NodeSessions<String, IngressState> sessions;
    private final Map<String, MeshInventory> meshes = new TreeMap<>();
    private List<AvailableService> available = List.of();
    private Snapshot snapshot;
    private String tableVersion = "";
    private AutoCloseable subscription;
    private final Counter writes;
    private final Leadership replicas;
    private final Duration sweepPeriod;
    private LeaderTask sweeper;

    /** One ingress node: its id as sent and its networking, as of its latest stream. */
    private static final class IngressState {
        String nodeId;
        IngressNode node;
    }

    public ZoneIngressRegistry(ResourceStore store, String zone, Duration grace, Duration debounce, NodeHook.Snapshots snapshots,
                               MeterRegistry meters) {
        this(store, zone, grace, debounce, snapshots, meters, new SoleLeadership(), XdsEngine.DEFAULT_REAP_PERIOD);
    }

    /** @param sweepPeriod how often the leader looks for ZoneIngresses of stopped replicas and rewrites the aggregate */
    public ZoneIngressRegistry(ResourceStore store, String zone, Duration grace, Duration debounce, NodeHook.Snapshots snapshots,
                               MeterRegistry meters, Leadership replicas, Duration sweepPeriod) {
        this.replicas = replicas;
        this.sweepPeriod = sweepPeriod;
        this.store = store;
        this.zone = zone;
        this.grace = grace;
        this.snapshots = snapshots;
        this.changedMeshes = new Debouncer<>(worker, debounce, this::flush);
        this.sessions = new NodeSessions<>(worker, grace, this::removed);
        this.writes = Counter.builder("ursa_zone_ingress_writes").description("ZoneIngress writes (registration and inventory changes)").register(meters);
        meters.gauge("ursa_zone_ingresses_connected", sessions, NodeSessions::connected);
    }

    /** Wires a registry into the engine's ADS server. */
    public static ZoneIngressRegistry attachTo(XdsEngine engine, ResourceStore store, String zone, Duration grace, Duration debounce,
                                               MeterRegistry meters, Duration sweepPeriod) {
        ZoneIngressRegistry r = new ZoneIngressRegistry(store, zone, grace, debounce, engine.snapshots(), meters, engine.replicas(), sweepPeriod);
        engine.attach(r);
        return r;
    }

    /**
     * Loads every mesh's Dataplanes and follows the change feed; on the leader, ZoneIngresses left by a previous run or
     * a stopped replica leave after the grace period.
     */
    public void start() {
        subscription = store.changes().subscribe(this::onChange);
        worker.call(() -> {
            recompute(listAll(ResourceTypes.MESH, null).stream().map(m -> m.meta().name()).toList());
            return null;
        });
        sweeper = LeaderTask.periodic(replicas, "zone ingresses of stopped replicas", sweepPeriod, term -> worker.call(() -> {
            sweep();
            return null;
        }));
    }

    /** (worker, leader) Schedules removal of registered ZoneIngresses no live replica holds; rewrites the aggregate. */
    private void sweep() {
        Set<String> live = replicas.liveReplicas();
        for (Resource zi : localZoneIngresses()) {
            String name = zi.meta().name();
            if (isRegistered(zi) && sessions.get(name) == null && !live.contains(zi.meta().labels().get(HOLDER_LABEL))
                    && !sessions.pendingRemovals().contains(name)) {
                sessions.scheduleRemoval(name);
            }
        }
        rewriteAggregate();
    }

    @Override
    public void close() throws Exception {
        if (sweeper != null) sweeper.close();
        if (subscription != null) subscription.close();
        worker.close();
    }

    /** The aggregate this zone advertises (for inspection and tests). */
    public List<AvailableService> availableServices() {
        return worker.call(() -> available);
    }

    /** Current routing table version served to ingress nodes. */
    public String tableVersion() {
        return worker.call(() -> tableVersion);
    }

    /**
     * Ingresses whose ZoneIngress removal is scheduled and neither cancelled (a stream came back) nor run yet: no stream
     * left, grace period running. For inspection and tests.
     */
    public Set<String> pendingRemovals() {
        return worker.call(() -> new TreeSet<>(sessions.pendingRemovals()));
    }

    // ---- NodeHook (gRPC threads: parse and hand over)

    @Override
    public boolean handles(Node node) {
        return IngressNode.isIngress(node);
    }

    @Override
    public void connected(long streamId, Node node) {
        IngressNode ingress = IngressNode.parse(node);
        Resource resource = zoneIngress(ingress, List.of());
        try {
            ResourceValidation.validate(resource);
        } catch (ValidationException e) {
            throw new IllegalArgumentException("ingress node \"" + ingress.name() + "\" metadata is not a valid ZoneIngress networking: " + e.violations());
        }
        sessions.open(streamId, ingress.name(), name -> new IngressState(), (st, streams) -> {
            st.nodeId = node.getId();
            st.node = ingress;
            write(zoneIngress(ingress, available));
            if (snapshot != null) snapshots.set(st.nodeId, snapshot);
        });
    }

    @Override
    public void disconnected(long streamId) {
        sessions.close(streamId);
    }

    // ---- worker thread

    /**
     * An ingress gone for the grace period: its snapshot goes, and its ZoneIngress unless another live replica holds
     * the ingress now (it moved there).
     */
    private void removed(String name, IngressState gone) {
        if (gone != null && gone.nodeId != null) snapshots.clear(gone.nodeId);
        Resource stored;
        Set<String> live;
        try {
            stored = await(store.get(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", name))).orElse(null);
            live = replicas.liveReplicas();
        } catch (RuntimeException e) {
            LOG.warnf("ingress %s left this replica; cannot tell whether another replica holds it (%s): its ZoneIngress stays", name, e.getMessage());
            return;
        }
        if (stored == null) return;
        String holder = stored.meta().labels().get(HOLDER_LABEL);
        if (holder != null && !holder.equals(replicas.instanceId()) && live.contains(holder)) {
            LOG.infof("ingress %s left this replica for replica %s: its ZoneIngress stays", name, holder);
            return;
        }
        store.delete(stored.key(), Precondition.version(stored.meta().version())).whenComplete((r, err) -> {
            if (err != null) LOG.debugf("removing ZoneIngress %s: %s", name, err.getMessage());
        });
        LOG.infof("ingress %s gone for %s: ZoneIngress removed", name, grace);
    }

    private void onChange(ChangeEvent e) {
        String type = e.key().type();
        if (type.equals(ResourceTypes.MESH.name())) changedMeshes.add(e.key().name());
        else if (type.equals(ResourceTypes.DATAPLANE.name())) changedMeshes.add(e.key().mesh());
    }

    private void flush(List<String> changed) {
        try {
            recompute(changed);
        } catch (RuntimeException ex) {
            LOG.error("recomputing the ingress inventory failed", ex);
        }
    }

    private void recompute(List<String> changed) {
        for (String mesh : new LinkedHashSet<>(changed)) {
            if (await(store.get(ResourceKey.of(ResourceTypes.MESH, "", mesh))).isEmpty()) {
                meshes.remove(mesh);
            } else {
                meshes.put(mesh, MeshInventory.of(zone, mesh, listAll(ResourceTypes.DATAPLANE, mesh)));
            }
        }
        List<AvailableService> nextAvailable = new ArrayList<>();
        meshes.values().forEach(m -> nextAvailable.addAll(m.available()));
        if (!nextAvailable.equals(available)) {
            available = List.copyOf(nextAvailable);
            if (replicas.isLeader()) rewriteAggregate();
        }
        IngressClusters.Table table = IngressClusters.render(zone, meshes.values());
        if (!table.version().equals(tableVersion)) {
            tableVersion = table.version();
            snapshot = Snapshot.create(table.clusters(), table.version(), List.of(), table.version(), List.of(), table.version(),
                    List.of(), table.version(), List.of(), table.version());
            for (IngressState st : sessions.withStreams()) {
                if (st.nodeId != null) snapshots.set(st.nodeId, snapshot);
            }
        }
    }

    /** Puts the current aggregate into every local ZoneIngress that does not have it yet. */
    private void rewriteAggregate() {
        for (Resource zi : localZoneIngresses()) {
            ZoneIngressSpec spec = zi.spec(ZoneIngressSpec.class);
            write(new Resource(ResourceTypes.ZONE_INGRESS, Meta.fresh("", zi.meta().name(), zi.meta().labels()),
                    new ZoneIngressSpec(zone, spec.networking(), available)));
        }
    }

    /** Writes a ZoneIngress unless the stored one already has this content. */
    private void write(Resource zi) {
        Resource stored;
        try {
            stored = await(store.get(zi.key())).orElse(null);
        } catch (StoreException.Unreadable e) {
            stored = null; // its stored row does not decode: this write replaces it
        }
        if (stored != null && Objects.equals(stored.spec(), zi.spec()) && stored.meta().labels().equals(zi.meta().labels())) return;
        writes.increment();
        try {
            await(store.put(zi, Precondition.ANY));
        } catch (RuntimeException e) {
            LOG.warnf("writing ZoneIngress %s failed: %s", zi.meta().name(), e.getMessage());
        }
    }

    private Resource zoneIngress(IngressNode node, List<AvailableService> services) {
        return new Resource(ResourceTypes.ZONE_INGRESS, Meta.fresh("", node.name(), Map.of(SelfRegistration.LABEL, "true", HOLDER_LABEL, replicas.instanceId())),
                new ZoneIngressSpec(zone, node.networking(), services));
    }

    /** ZoneIngresses of this zone (not the ones other zones' relayed down). */
    private List<Resource> localZoneIngresses() {
        List<Resource> out = new ArrayList<>();
        for (Resource zi : listAll(ResourceTypes.ZONE_INGRESS, null)) {
            if (KdsTypes.ORIGIN_GLOBAL.equals(zi.meta().labels().get(KdsTypes.ORIGIN_LABEL))) continue;
            String z = zi.spec(ZoneIngressSpec.class).zone();
            if (z == null || z.isEmpty() || z.equals(zone)) out.add(zi);
        }
        return out;
    }

    private static boolean isRegistered(Resource zi) {
        return SelfRegistration.isSelfRegistered(zi);
    }

    private List<Resource> listAll(ResourceType type, String mesh) {
        return await(store.listAll(ListQuery.inMesh(type, mesh)));
    }
}
