package dev.ursa.zone.ingress;

import dev.ursa.zone.Blocking;
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
import dev.ursa.zone.xds.NodeHook;
import dev.ursa.zone.xds.XdsEngine;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The zone's ingresses: registers a ZoneIngress for each connected ingress node (and removes it a grace period after
 * its last stream closed), keeps every local ZoneIngress's {@code availableServices} equal to the zone's aggregate, and
 * serves each ingress node its routing table ({@link IngressClusters}) over the zone's ADS server.
 *
 * <p>Scale: the aggregate is kept per mesh and recomputed only for meshes whose Dataplanes changed; a ZoneIngress is
 * written only when its content (networking or aggregate) differs from the stored one, so an endpoint change that
 * leaves the tag sets and instance counts equal (an address change, a restart) writes nothing and KDS sends nothing.
 * All state lives on one worker thread.
 */
public final class ZoneIngressRegistry implements NodeHook, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ZoneIngressRegistry.class.getName());

    private final ResourceStore store;
    private final String zone;
    private final Duration grace;
    private final Duration debounce;
    private final NodeHook.Snapshots snapshots;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ursa-ingress-registry");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, MeshInventory> meshes = new TreeMap<>();
    private final Map<String, IngressState> ingresses = new ConcurrentHashMap<>();
    private final Map<Long, String> streams = new ConcurrentHashMap<>();
    private final Set<String> pendingMeshes = new LinkedHashSet<>();
    private ScheduledFuture<?> flush;
    private List<AvailableService> available = List.of();
    private Snapshot snapshot;
    private String tableVersion = "";
    private AutoCloseable subscription;
    private final Counter writes;

    public ZoneIngressRegistry(ResourceStore store, String zone, Duration grace, Duration debounce, NodeHook.Snapshots snapshots,
                               MeterRegistry meters) {
        this.store = store;
        this.zone = zone;
        this.grace = grace;
        this.debounce = debounce;
        this.snapshots = snapshots;
        this.writes = Counter.builder("ursa_zone_ingress_writes").description("ZoneIngress writes (registration and inventory changes)").register(meters);
        meters.gauge("ursa_zone_ingresses_connected", ingresses, m -> m.values().stream().filter(s -> !s.streams.isEmpty()).count());
    }

    /** Wires a registry into the engine's ADS server. */
    public static ZoneIngressRegistry attachTo(XdsEngine engine, ResourceStore store, String zone, Duration grace, Duration debounce,
                                               MeterRegistry meters) {
        ZoneIngressRegistry r = new ZoneIngressRegistry(store, zone, grace, debounce, engine.snapshots(), meters);
        engine.attach(r);
        return r;
    }

    /** Loads every mesh's Dataplanes, follows the change feed, and schedules removal of ZoneIngresses left by a previous run. */
    public void start() {
        subscription = store.changes().subscribe(this::onChange);
        call(() -> {
            for (Resource mesh : listAll(ResourceTypes.MESH, null)) pendingMeshes.add(mesh.meta().name());
            recompute();
            for (Resource zi : localZoneIngresses()) {
                if (isRegistered(zi) && !ingresses.containsKey(zi.meta().name())) scheduleRemoval(zi.meta().name());
            }
            return null;
        });
    }

    @Override
    public void close() throws Exception {
        if (subscription != null) subscription.close();
        worker.shutdownNow();
    }

    /** The aggregate this zone advertises (for inspection and tests). */
    public List<AvailableService> availableServices() {
        return call(() -> available);
    }

    /** Current routing table version served to ingress nodes. */
    public String tableVersion() {
        return call(() -> tableVersion);
    }

    /**
     * Ingresses whose ZoneIngress removal is scheduled and neither cancelled (a stream came back) nor run yet: no stream
     * left, grace period running. For inspection and tests.
     */
    public Set<String> pendingRemovals() {
        return call(() -> {
            Set<String> out = new java.util.TreeSet<>();
            ingresses.forEach((name, st) -> {
                if (st.removal != null && !st.removal.isDone()) out.add(name);
            });
            return out;
        });
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
        streams.put(streamId, ingress.name());
        worker.execute(() -> onConnected(streamId, node.getId(), ingress));
    }

    @Override
    public void disconnected(long streamId) {
        String name = streams.remove(streamId);
        if (name != null) worker.execute(() -> onDisconnected(streamId, name));
    }

    // ---- worker thread

    private void onConnected(long streamId, String nodeId, IngressNode node) {
        IngressState st = ingresses.computeIfAbsent(node.name(), n -> new IngressState());
        st.streams.add(streamId);
        st.nodeId = nodeId;
        st.node = node;
        if (st.removal != null) {
            st.removal.cancel(false);
            st.removal = null;
        }
        write(zoneIngress(node, available));
        if (snapshot != null) snapshots.set(nodeId, snapshot);
    }

    private void onDisconnected(long streamId, String name) {
        IngressState st = ingresses.get(name);
        if (st == null) return;
        st.streams.remove(streamId);
        if (st.streams.isEmpty()) scheduleRemoval(name);
    }

    private void scheduleRemoval(String name) {
        IngressState st = ingresses.computeIfAbsent(name, n -> new IngressState());
        st.removal = worker.schedule(() -> {
            IngressState now = ingresses.get(name);
            if (now != null && !now.streams.isEmpty()) return;
            ingresses.remove(name);
            if (now != null && now.nodeId != null) snapshots.clear(now.nodeId);
            store.delete(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", name), Precondition.ANY).whenComplete((r, err) -> {
                if (err != null) LOG.log(System.Logger.Level.DEBUG, "removing ZoneIngress " + name + ": " + err.getMessage());
            });
            LOG.log(System.Logger.Level.INFO, "ingress " + name + " gone for " + grace + ": ZoneIngress removed");
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onChange(ChangeEvent e) {
        String type = e.key().type();
        String mesh;
        if (type.equals(ResourceTypes.MESH.name())) mesh = e.key().name();
        else if (type.equals(ResourceTypes.DATAPLANE.name())) mesh = e.key().mesh();
        else return;
        synchronized (pendingMeshes) {
            pendingMeshes.add(mesh);
            if (flush == null) flush = worker.schedule(this::flush, debounce.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void flush() {
        synchronized (pendingMeshes) {
            flush = null;
        }
        try {
            recompute();
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.ERROR, "recomputing the ingress inventory failed", ex);
        }
    }

    private void recompute() {
        List<String> changed;
        synchronized (pendingMeshes) {
            changed = new ArrayList<>(pendingMeshes);
            pendingMeshes.clear();
        }
        for (String mesh : changed) {
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
            for (Resource zi : localZoneIngresses()) {
                ZoneIngressSpec spec = zi.spec(ZoneIngressSpec.class);
                write(new Resource(ResourceTypes.ZONE_INGRESS, Meta.fresh("", zi.meta().name(), zi.meta().labels()),
                        new ZoneIngressSpec(zone, spec.networking(), available)));
            }
        }
        IngressClusters.Table table = IngressClusters.render(zone, meshes.values());
        if (!table.version().equals(tableVersion)) {
            tableVersion = table.version();
            snapshot = Snapshot.create(table.clusters(), table.version(), List.of(), table.version(), List.of(), table.version(),
                    List.of(), table.version(), List.of(), table.version());
            for (IngressState st : ingresses.values()) {
                if (st.nodeId != null && !st.streams.isEmpty()) snapshots.set(st.nodeId, snapshot);
            }
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
            LOG.log(System.Logger.Level.WARNING, "writing ZoneIngress " + zi.meta().name() + " failed: " + e.getMessage());
        }
    }

    private Resource zoneIngress(IngressNode node, List<AvailableService> services) {
        return new Resource(ResourceTypes.ZONE_INGRESS, Meta.fresh("", node.name(), Map.of(XdsEngine.SELF_REGISTERED_LABEL, "true")),
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
        return "true".equals(zi.meta().labels().get(XdsEngine.SELF_REGISTERED_LABEL));
    }

    private List<Resource> listAll(ResourceType type, String mesh) {
        return await(store.listAll(ListQuery.inMesh(type, mesh)));
    }

    private static final class IngressState {
        final Set<Long> streams = new HashSet<>();
        String nodeId;
        IngressNode node;
        ScheduledFuture<?> removal;
    }

    private <T> T call(java.util.concurrent.Callable<T> task) {
        return Blocking.call(worker, task);
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        return Blocking.await(stage);
    }
}
