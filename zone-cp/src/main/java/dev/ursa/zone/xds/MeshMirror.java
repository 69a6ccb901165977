package dev.ursa.zone.xds;

import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.zone.xds.MeshChange.PolicyChange;
import dev.ursa.zone.xds.view.EndpointIndex;
import dev.ursa.zone.xds.view.EndpointSource;
import dev.ursa.zone.xds.mtls.MeshTrust;
import dev.ursa.zone.xds.view.MeshInputs;
import dev.ursa.zone.xds.view.ViewBuilder;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.ursa.zone.xds.SerialWorker.await;

/**
 * The zone's mirror of the store for xDS: per mesh an immutable {@link MeshState} (its Mesh, Dataplanes and policies,
 * every ZoneIngress, and the endpoint index built from them). Store changes are collected for the debounce and applied
 * per mesh: each applied change publishes a new {@link Generation} and reports a {@link MeshChange} to the listener.
 *
 * <p>Threads: its state is written only on the worker it is given; other threads read the published generation, an
 * immutable map behind a volatile field.
 */
final class MeshMirror implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MeshMirror.class);
    /** Mesh-scoped types mirrored besides the Mesh itself. */
    private static final List<ResourceType> MIRRORED = Stream.concat(Stream.of(ResourceTypes.DATAPLANE), ViewBuilder.POLICY_TYPES.stream()).toList();

    /** Every mirrored mesh at one moment; {@code number} grows by one with each mesh published. Immutable. */
    record Generation(long number, Map<String, MeshState> meshes) {
        Generation {
            meshes = Map.copyOf(meshes);
        }

        MeshState mesh(String name) {
            return meshes.get(name);
        }
    }

    private final ResourceStore store;
    private final List<EndpointSource> endpointSources;
    private final SerialWorker worker;
    private final Consumer<MeshChange> listener;
    private final Debouncer<ChangeEvent> changes;
    private volatile Generation current = new Generation(0, Map.of());
    /** Every ZoneIngress (not mesh-scoped): other zones' ingresses are cross-zone endpoints in every mesh they serve. */
    private List<Resource> zoneIngresses = List.of();
    private AutoCloseable subscription;

    /** {@code listener} is called on {@code worker} after each generation is published. */
    MeshMirror(ResourceStore store, List<EndpointSource> endpointSources, SerialWorker worker, Duration debounce, Consumer<MeshChange> listener) {
        this.store = store;
        this.endpointSources = List.copyOf(endpointSources);
        this.worker = worker;
        this.listener = listener;
        this.changes = new Debouncer<>(worker, debounce, this::apply);
    }

    /** Follows the store's change feed and loads every mesh (returns once they are published). */
    void start() {
        subscription = store.changes().subscribe(this::onChange);
        worker.call(() -> {
            zoneIngresses = listAll(ResourceTypes.ZONE_INGRESS, null);
            for (Resource mesh : listAll(ResourceTypes.MESH, null)) reload(mesh.meta().name());
            return null;
        });
    }

    /** The generation published last (any thread). */
    Generation current() {
        return current;
    }

    /** The current generation of {@code mesh}; null when it is not mirrored (any thread). */
    MeshState mesh(String mesh) {
        return current.mesh(mesh);
    }

    /** A resolved host name changed: recompute endpoints as for a ZoneIngress change (equal configs push nothing). */
    void addressesChanged() {
        onChange(new ChangeEvent(ResourceKey.of(ResourceTypes.ZONE_INGRESS, "", ""), ChangeKind.UPDATED, 0, Instant.now()));
    }

    private void onChange(ChangeEvent e) {
        String type = e.key().type();
        if (type.equals(ResourceTypes.MESH.name()) || type.equals(ResourceTypes.ZONE_INGRESS.name()) || type.equals(ResourceTypes.SECRET.name())
                || MIRRORED.stream().anyMatch(t -> t.name().equals(type))) {
            changes.add(e);
        }
    }

    private void apply(List<ChangeEvent> batch) {
        Map<String, List<ResourceKey>> byMesh = new LinkedHashMap<>();
        if (batch.stream().anyMatch(e -> e.key().type().equals(ResourceTypes.ZONE_INGRESS.name()))) {
            // An ingress change can touch every mesh; meshes whose endpoints come out equal push nothing.
            try {
                zoneIngresses = listAll(ResourceTypes.ZONE_INGRESS, null);
            } catch (RuntimeException ex) {
                LOG.error("reloading zone ingresses failed", ex);
            }
            current.meshes().keySet().forEach(m -> byMesh.put(m, new ArrayList<>()));
        }
        for (ChangeEvent e : batch) {
            if (e.key().type().equals(ResourceTypes.ZONE_INGRESS.name())) continue;
            String mesh = e.key().type().equals(ResourceTypes.MESH.name()) ? e.key().name() : e.key().mesh();
            byMesh.computeIfAbsent(mesh, m -> new ArrayList<>()).add(e.key());
        }
        byMesh.forEach((mesh, keys) -> {
            try {
                apply(mesh, keys);
            } catch (RuntimeException ex) {
                LOG.errorf(ex, "recomputing mesh %s failed", mesh);
            }
        });
    }

    private void apply(String mesh, List<ResourceKey> keys) {
        MeshState old = current.mesh(mesh);
        // The Mesh and its Secrets (CAs) concern every node of the mesh: load it anew.
        if (old == null || keys.stream().anyMatch(k -> k.type().equals(ResourceTypes.MESH.name()) || k.type().equals(ResourceTypes.SECRET.name()))) {
            reload(mesh);
            return;
        }
        Map<String, Resource> dataplanes = new HashMap<>(old.inputs.dataplanes());
        Map<ResourceType, List<Resource>> policies = new HashMap<>(old.inputs.policies());
        Set<String> changedDataplanes = new HashSet<>();
        List<PolicyChange> changedPolicies = new ArrayList<>();
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
                changedPolicies.add(new PolicyChange(before, now));
            }
        }
        MeshState next = new MeshState(new MeshInputs(mesh, old.inputs.meshResource(), dataplanes, policies, zoneIngresses, old.inputs.secrets()),
                old.trust, endpointSources);
        publish(mesh, next);
        listener.accept(new MeshChange(mesh, old, next, false, changedDataplanes, changedPolicies));
    }

    /** Loads a mesh from the store anew (or drops it when the Mesh is gone). */
    private void reload(String mesh) {
        MeshState old = current.mesh(mesh);
        Optional<Resource> meshResource = await(store.get(ResourceKey.of(ResourceTypes.MESH, "", mesh)));
        MeshState next = null;
        if (meshResource.isPresent()) {
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
            Map<String, Resource> secrets = new HashMap<>();
            listAll(ResourceTypes.SECRET, mesh).forEach(sec -> secrets.put(sec.meta().name(), sec));
            MeshInputs inputs = new MeshInputs(mesh, meshResource, dataplanes, policies, zoneIngresses, secrets);
            next = new MeshState(inputs, MeshTrust.of(inputs), endpointSources);
        }
        publish(mesh, next);
        listener.accept(MeshChange.reloaded(mesh, old, next));
    }

    private void publish(String mesh, MeshState state) {
        Map<String, MeshState> meshes = new HashMap<>(current.meshes());
        if (state == null) meshes.remove(mesh); else meshes.put(mesh, state);
        current = new Generation(current.number() + 1, meshes);
    }

    private List<Resource> listAll(ResourceType type, String mesh) {
        return await(store.listAll(ListQuery.inMesh(type, mesh)));
    }

    @Override
    public void close() throws Exception {
        if (subscription != null) subscription.close();
    }
}
