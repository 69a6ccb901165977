package dev.ursa.sync;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Owner;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.sync.stream.DeltaReceiver.Incoming;
import dev.ursa.sync.stream.VersionDigest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import static dev.ursa.sync.ResourceIndex.await;

/**
 * Applies a peer's resources to a store, in the peer's own namespace: stored names get {@code namePrefix}, and every
 * stored resource carries {@code ownLabels}. Only resources carrying those labels are ever overwritten or deleted, so
 * a peer can never touch a resource it did not send (a zone's own Dataplanes, another zone's resources).
 * <ul>
 *   <li>zone, from the global: no prefix, {@code kuma.io/origin=global}</li>
 *   <li>global, from zone {@code z}: prefix {@code z.}, {@code kuma.io/origin=zone, kuma.io/zone=z}; a resource claiming
 *   another zone is refused and a ZoneIngress gets {@code spec.zone=z} ({@link ZoneStamp})</li>
 * </ul>
 */
public final class StoreSink implements ResourceSink {
    private static final System.Logger LOG = System.getLogger(StoreSink.class.getName());

    private final ResourceStore store;
    private final String namePrefix;
    private final Map<String, String> ownLabels;
    /** Checks (and may complete) each incoming resource before it is stored; throws IllegalArgumentException to refuse it. */
    private final UnaryOperator<Resource> admit;
    /**
     * Content version per stored resource, valid while the store's own version and modification time of it are
     * unchanged (a delete and re-create elsewhere restarts the version but not the time): a resume then sends
     * {@code initial_resource_versions} without hashing every resource again.
     */
    private final Map<ResourceKey, StoredVersion> versionCache = new java.util.concurrent.ConcurrentHashMap<>();

    private record StoredVersion(long storeVersion, java.time.Instant modified, String deltaName, String contentVersion, VersionDigest digest) {
        StoredVersion(long storeVersion, java.time.Instant modified, String deltaName, String contentVersion) {
            this(storeVersion, modified, deltaName, contentVersion, VersionDigest.entry(deltaName, contentVersion));
        }
    }

    public StoreSink(ResourceStore store, String namePrefix, Map<String, String> ownLabels) {
        this(store, namePrefix, ownLabels, UnaryOperator.identity());
    }

    private StoreSink(ResourceStore store, String namePrefix, Map<String, String> ownLabels, UnaryOperator<Resource> admit) {
        this.store = store;
        this.namePrefix = namePrefix;
        this.ownLabels = Map.copyOf(ownLabels);
        this.admit = admit;
    }

    public static StoreSink fromGlobal(ResourceStore store) {
        return new StoreSink(store, "", Map.of(KdsTypes.ORIGIN_LABEL, KdsTypes.ORIGIN_GLOBAL));
    }

    /** Zone names are DNS labels (no dots), so {@code zone.name} never clashes between zones. */
    public static StoreSink fromZone(ResourceStore store, String zone) {
        return new StoreSink(store, zone + ".", Map.of(KdsTypes.ORIGIN_LABEL, KdsTypes.ORIGIN_ZONE, KdsTypes.ZONE_LABEL, zone), new ZoneStamp(zone));
    }

    public boolean owns(Resource stored) {
        return owns(stored.meta().labels());
    }

    private boolean owns(Map<String, String> storedLabels) {
        return ownLabels.entrySet().stream().allMatch(e -> e.getValue().equals(storedLabels.get(e.getKey())));
    }

    /** The labels of what is stored under {@code key}; empty when nothing is. A row that cannot be decoded still has readable labels. */
    private Optional<Map<String, String>> storedLabels(ResourceKey key) {
        try {
            return await(store.get(key)).map(r -> r.meta().labels());
        } catch (StoreException.Unreadable e) {
            return Optional.of(e.stored().labels());
        }
    }

    @Override
    public VersionDigest digest(ResourceType type) {
        VersionDigest digest = VersionDigest.EMPTY;
        for (StoredVersion v : held(type)) digest = digest.plus(v.digest());
        return digest;
    }

    @Override
    public Map<String, String> versions(ResourceType type) {
        Map<String, String> versions = new HashMap<>();
        for (StoredVersion v : held(type)) versions.put(v.deltaName(), v.contentVersion());
        return versions;
    }

    private List<StoredVersion> held(ResourceType type) {
        List<StoredVersion> held = new ArrayList<>();
        for (Resource r : await(store.listAll(ListQuery.labelled(type, ownLabels)))) {
            if (r.meta().name().startsWith(namePrefix)) held.add(storedVersion(r));
        }
        return held;
    }

    private StoredVersion storedVersion(Resource r) {
        StoredVersion cached = versionCache.get(r.key());
        if (cached != null && cached.storeVersion() == r.meta().version() && java.util.Objects.equals(cached.modified(), r.meta().modificationTime())) {
            return cached;
        }
        String deltaName = Envelope.deltaName(r.type(), r.meta().mesh(), r.meta().name().substring(namePrefix.length()));
        StoredVersion v = new StoredVersion(r.meta().version(), r.meta().modificationTime(), deltaName, Envelope.version(r));
        versionCache.put(r.key(), v);
        return v;
    }

    @Override
    public Map<String, String> apply(ResourceType type, List<Incoming> upserts, List<String> removals) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (Incoming in : upserts) {
            if (in.error() != null) {
                failures.put(in.name(), in.error());
                continue;
            }
            try {
                upsert(in.resource(), in.version());
            } catch (StoreException.Unavailable e) {
                throw e;
            } catch (StoreException | IllegalArgumentException e) {
                failures.put(in.name(), e.getMessage());
            }
        }
        for (String name : removals) {
            try {
                remove(type, name);
            } catch (StoreException.Unavailable e) {
                throw e;
            } catch (StoreException | IllegalArgumentException e) {
                failures.put(name, e.getMessage());
            }
        }
        return failures;
    }

    private void upsert(Resource received, String contentVersion) {
        Resource incoming = admit.apply(received);
        Map<String, String> labels = new TreeMap<>(incoming.meta().labels());
        labels.putAll(ownLabels);
        Resource adopted = incoming.withMeta(Meta.fresh(incoming.meta().mesh(), namePrefix + incoming.meta().name(), labels));
        // Also when the stored row cannot be decoded: what the peer sends replaces it, if the peer sent it.
        Optional<Map<String, String>> existing = storedLabels(adopted.key());
        if (existing.isPresent() && !owns(existing.get())
                && (existing.get().containsKey(KdsTypes.ORIGIN_LABEL) || incoming.type().owner() == Owner.ZONE)) {
            throw new IllegalArgumentException(adopted.key() + " exists here and was not synced from this peer; it is left as it is");
        }
        Resource stored = await(store.put(adopted, Precondition.ANY)).resource();
        // The peer's version is the content hash of what was stored (own labels do not count in it).
        if (contentVersion != null && !contentVersion.isEmpty()) {
            versionCache.put(stored.key(), new StoredVersion(stored.meta().version(), stored.meta().modificationTime(), Envelope.deltaName(incoming), contentVersion));
        }
    }

    private void remove(ResourceType type, String deltaName) {
        String mesh = "";
        String name = deltaName;
        if (type.meshScoped()) {
            int slash = deltaName.indexOf('/');
            if (slash < 0) throw new IllegalArgumentException("\"" + deltaName + "\" is not a mesh/name");
            mesh = deltaName.substring(0, slash);
            name = deltaName.substring(slash + 1);
        }
        ResourceKey key = ResourceKey.of(type, mesh, namePrefix + name);
        Optional<Map<String, String>> existing = storedLabels(key);
        if (existing.isEmpty() || !owns(existing.get())) return; // gone already, or not ours to delete
        if (type == ResourceTypes.MESH && removeSyncedContent(key.name())) {
            return;
        }
        versionCache.remove(key);
        try {
            await(store.delete(key, Precondition.ANY));
        } catch (StoreException.NotFound e) {
            // deleted meanwhile: the goal is reached
        }
    }

    /**
     * Deleting a mesh deletes everything in it. When the mesh also holds resources this side did not receive (a zone's
     * Dataplanes), delete only the received ones and keep the mesh. Returns true when the mesh was kept.
     */
    private boolean removeSyncedContent(String mesh) {
        List<Resource> ours = new ArrayList<>();
        boolean foreign = false;
        for (ResourceType t : ResourceTypes.meshScoped()) {
            for (Resource r : await(store.listAll(ListQuery.inMesh(t, mesh)))) {
                if (owns(r)) ours.add(r);
                else foreign = true;
            }
        }
        if (!foreign) return false;
        LOG.log(System.Logger.Level.WARNING, "mesh " + mesh + " was deleted by the peer but holds local resources: keeping the mesh, deleting "
                + ours.size() + " synced resources in it");
        for (Resource r : ours) {
            try {
                await(store.delete(r.key(), Precondition.ANY));
            } catch (StoreException.NotFound e) {
                // already gone
            }
        }
        return true;
    }
}
