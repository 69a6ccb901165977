package dev.ursa.cp.api;

import dev.ursa.cp.ControlPlaneRole;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.ResourceStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The dataplanes of each mesh with their insights, kept in name order between requests and brought up to date from the
 * store's change feed: a request re-reads only the dataplanes and insights that changed since the previous one (or the
 * whole mesh when many did, after a feed resync, or the first time), so an overview page of 10 000 dataplanes costs a
 * filter and a page, not two full listings and a sort. Online/offline is computed per request (the zones' state is
 * re-read only when a ZoneInsight changed).
 * <p>
 * Freshness: a request sees every change whose event the feed delivered before it (the in-memory store delivers on
 * the writing thread, so a completed write; Postgres after its notification arrives).
 * <p>
 * Threads: feed listeners only mark names dirty (concurrent sets); each mesh's refreshes run one after the other
 * (chained futures), and each publishes an immutable snapshot.
 */
@Singleton
public class DataplaneOverviewIndex implements AutoCloseable {
    /** Above this share of a mesh's dataplanes changed, one listing is cheaper than a read per name. */
    private static final int FULL_RELOAD_DIVISOR = 4;

    private final ResourceStore store;
    private final ControlPlaneRole role;
    private final Map<String, MeshRows> meshes = new ConcurrentHashMap<>();
    private final AtomicBoolean zonesStale = new AtomicBoolean(true);
    private volatile Set<String> onlineZones = Set.of();
    private final AutoCloseable changes;
    private final AutoCloseable resyncs;

    public DataplaneOverviewIndex(ResourceStore store, ControlPlaneRole role) {
        this.store = store;
        this.role = role;
        this.changes = store.changes().subscribe(this::onChange);
        this.resyncs = store.changes().subscribeResync(r -> {
            meshes.values().forEach(MeshRows::reloadAll);
            zonesStale.set(true);
        });
    }

    /** A dataplane, its insight (null: none yet) and whether it is online, computed when the snapshot was taken. */
    record Snapshot(List<DataplaneStates.Entry> entries) {
        Optional<DataplaneStates.Entry> byName(String name) {
            return entries.stream().filter(e -> e.dataplane().meta().name().equals(name)).findFirst();
        }
    }

    /** Every dataplane of {@code mesh} with its insight and state, in name order. */
    public CompletionStage<Snapshot> snapshot(String mesh) {
        CompletionStage<Set<String>> zones = zones();
        return meshes.computeIfAbsent(mesh, MeshRows::new).refresh().thenCombine(zones, (rows, online) -> {
            boolean global = role.mode() == ControlPlaneRole.Mode.GLOBAL;
            List<DataplaneStates.Entry> entries = new ArrayList<>(rows.size());
            for (Row r : rows) {
                String zone = DataplaneStates.zoneOf(r.dataplane(), role);
                entries.add(new DataplaneStates.Entry(r.dataplane(), r.insight(), zone,
                        DataplaneStates.connected(r.insight()) && (!global || online.contains(zone))));
            }
            return new Snapshot(entries);
        });
    }

    private void onChange(ChangeEvent e) {
        String type = e.key().type();
        if (type.equals(ResourceTypes.DATAPLANE.name()) || type.equals(ResourceTypes.DATAPLANE_INSIGHT.name())) {
            MeshRows rows = meshes.get(e.key().mesh());
            if (rows != null) rows.dirty.add(e.key().name());
        } else if (type.equals(ResourceTypes.ZONE_INSIGHT.name())) {
            zonesStale.set(true);
        } else if (type.equals(ResourceTypes.MESH.name()) && e.kind() == ChangeKind.DELETED) {
            MeshRows rows = meshes.get(e.key().name());
            if (rows != null) rows.reloadAll();
        }
    }

    private CompletionStage<Set<String>> zones() {
        if (role.mode() != ControlPlaneRole.Mode.GLOBAL) return CompletableFuture.completedFuture(Set.of());
        if (!zonesStale.getAndSet(false)) return CompletableFuture.completedFuture(onlineZones);
        return store.listAll(ListQuery.all(ResourceTypes.ZONE_INSIGHT)).thenApply(z -> onlineZones = Set.copyOf(DataplaneStates.onlineZones(z)))
                .whenComplete((ok, failed) -> {
                    if (failed != null) zonesStale.set(true);
                });
    }

    private record Row(Resource dataplane, Resource insight) {
    }

    /** One mesh's rows; {@link #refresh} calls are chained, so at most one runs at a time and each sees the one before. */
    private final class MeshRows {
        private final String mesh;
        final Set<String> dirty = ConcurrentHashMap.newKeySet();
        private volatile boolean reloadAll = true;
        /** Written only by the running refresh; the list handed out is a copy. */
        private final TreeMap<String, Row> rows = new TreeMap<>();
        private List<Row> published = List.of();
        private CompletableFuture<List<Row>> tail = CompletableFuture.completedFuture(List.of());

        MeshRows(String mesh) {
            this.mesh = mesh;
        }

        void reloadAll() {
            reloadAll = true;
        }

        synchronized CompletableFuture<List<Row>> refresh() {
            tail = tail.handle((ok, failed) -> null).thenCompose(ignored -> step());
            return tail;
        }

        private CompletionStage<List<Row>> step() {
            if (reloadAll || dirty.size() > Math.max(16, rows.size() / FULL_RELOAD_DIVISOR)) {
                reloadAll = false;
                dirty.clear(); // before reading: what changes from here on is marked again
                var dps = store.listAll(ListQuery.inMesh(ResourceTypes.DATAPLANE, mesh)).toCompletableFuture();
                var ins = store.listAll(ListQuery.inMesh(ResourceTypes.DATAPLANE_INSIGHT, mesh)).toCompletableFuture();
                return dps.thenCombine(ins, (d, i) -> {
                    Map<String, Resource> insights = new HashMap<>();
                    i.forEach(r -> insights.put(r.meta().name(), r));
                    rows.clear();
                    d.forEach(dp -> rows.put(dp.meta().name(), new Row(dp, insights.get(dp.meta().name()))));
                    return publish();
                }).whenComplete((ok, failed) -> {
                    if (failed != null) reloadAll = true;
                });
            }
            if (dirty.isEmpty()) return CompletableFuture.completedFuture(published);
            List<String> names = new ArrayList<>();
            for (String name : dirty) {
                if (dirty.remove(name)) names.add(name); // one by one: a name marked after this pass stays marked
            }
            List<CompletableFuture<Optional<Resource>>> dps = new ArrayList<>(names.size());
            List<CompletableFuture<Optional<Resource>>> ins = new ArrayList<>(names.size());
            for (String name : names) {
                dps.add(store.get(ResourceKey.of(ResourceTypes.DATAPLANE, mesh, name)).toCompletableFuture());
                ins.add(store.get(ResourceKey.of(ResourceTypes.DATAPLANE_INSIGHT, mesh, name)).toCompletableFuture());
            }
            List<CompletableFuture<?>> all = new ArrayList<>(dps);
            all.addAll(ins);
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
                for (int k = 0; k < names.size(); k++) {
                    Optional<Resource> dp = dps.get(k).join();
                    if (dp.isPresent()) rows.put(names.get(k), new Row(dp.get(), ins.get(k).join().orElse(null)));
                    else rows.remove(names.get(k));
                }
                return publish();
            }).whenComplete((ok, failed) -> {
                if (failed != null) reloadAll = true;
            });
        }

        private List<Row> publish() {
            published = List.copyOf(rows.values());
            return published;
        }
    }

    @PreDestroy
    @Override
    public void close() throws Exception {
        changes.close();
        resyncs.close();
    }
}
