package dev.ursa.zone.kds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.sync.KdsTypes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The global-origin resources of a memory-store zone, saved to {@code <data-dir>/kds-snapshot.json} and restored at
 * start, meshes first.
 * <p>
 * Saving writes a temporary file, forces it to disk, renames it over the snapshot atomically and forces the directory
 * (where the platform allows): a crash or power loss leaves the old snapshot or the new one, never half of one or an
 * empty file.
 * <p>
 * A snapshot that cannot be restored (not JSON, truncated, or any item that does not decode) is moved aside to
 * {@code kds-snapshot.json.corrupt-<UTC time>} and the zone starts empty, not ready until it has synced from the
 * global. All or nothing, also for one bad item: a subset of the global's policies is a state the global never had
 * (a missing MeshTrafficPermission or Mesh changes what data planes may do), so the zone serves none rather than a
 * wrong subset. Running data planes keep their config meanwhile.
 */
final class SyncSnapshot {
    static final String FILE_NAME = "kds-snapshot.json";
    static final String CORRUPT_SUFFIX = ".corrupt-";
    private static final Logger LOG = Logger.getLogger(SyncSnapshot.class);
    private static final Map<String, String> FROM_GLOBAL = Map.of(KdsTypes.ORIGIN_LABEL, KdsTypes.ORIGIN_GLOBAL);
    private static final DateTimeFormatter ASIDE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ResourceStore store;
    private final Path file;
    private final Clock clock;

    SyncSnapshot(ResourceStore store, Path dataDir) {
        this(store, dataDir, Clock.systemUTC());
    }

    SyncSnapshot(ResourceStore store, Path dataDir, Clock clock) {
        this.store = store;
        this.file = dataDir.resolve(FILE_NAME);
        this.clock = clock;
    }

    Path file() {
        return file;
    }

    /** Why a snapshot file cannot be restored. */
    private static final class Corrupt extends Exception {
        Corrupt(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Loads the snapshot into the store; returns how many resources it held: 0 when there is none, or when it was
     * corrupt (then it is moved aside, logged, and nothing of it is kept). Throws only when the file cannot be read
     * at all (permissions, I/O), which an operator must fix.
     */
    int restore() throws IOException {
        if (!Files.exists(file)) return 0;
        byte[] bytes = Files.readAllBytes(file);
        List<Resource> restored = new ArrayList<>();
        try {
            for (Resource r : decode(bytes)) {
                put(r);
                restored.add(r);
            }
        } catch (Corrupt e) {
            undo(restored);
            moveAside(e);
            return 0;
        }
        LOG.infof("restored %d resources synced from the global from %s", restored.size(), file);
        return restored.size();
    }

    /** Every item, decoded before any is stored: nothing of a snapshot with a bad item reaches the store. */
    private static List<Resource> decode(byte[] bytes) throws Corrupt {
        JsonNode root;
        try {
            root = Json.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new Corrupt("it is not valid JSON (" + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + ")", e);
        }
        // An empty file reads as no tree: what a rename without fsync can leave after a power loss.
        if (root == null || !root.path("items").isArray()) throw new Corrupt("it has no \"items\" array", null);
        List<Resource> items = new ArrayList<>();
        int index = 0;
        for (JsonNode item : root.path("items")) {
            try {
                items.add(ResourceCodec.decode(item));
            } catch (RuntimeException e) {
                throw new Corrupt("item " + index + " (" + item.path("type").asText("?") + " " + item.path("mesh").asText("") + "/"
                        + item.path("name").asText("?") + ") does not decode: " + e.getMessage(), e);
            }
            index++;
        }
        return items;
    }

    private void put(Resource r) throws Corrupt {
        try {
            store.put(r, Precondition.ANY).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // The memory store refuses only a resource whose mesh is not (yet) there: a snapshot out of order.
            if (e.getCause() instanceof StoreException refused) throw new Corrupt(r.key() + " cannot be stored: " + refused.getMessage(), refused);
            throw new IllegalStateException("restoring " + r.key() + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted restoring " + r.key(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the store did not answer restoring " + r.key(), e);
        }
    }

    /** Removes what a snapshot restored before it turned out corrupt (mesh contents go with their mesh). */
    private void undo(List<Resource> restored) {
        for (Resource r : restored.reversed()) {
            ResourceKey key = r.key();
            try {
                store.delete(key, Precondition.ANY).toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof StoreException.NotFound)) LOG.warnf("cannot undo the restore of %s: %s", key, e.getCause());
            } catch (Exception e) {
                LOG.warnf("cannot undo the restore of %s: %s", key, e.toString());
            }
        }
    }

    private void moveAside(Corrupt why) {
        Path aside = file.resolveSibling(FILE_NAME + CORRUPT_SUFFIX + ASIDE_TIME.format(clock.instant()));
        try {
            Files.move(file, aside);
            LOG.warnf("the KDS snapshot %s cannot be restored: %s. Moved it aside to %s; this zone starts without the state it "
                    + "last synced from the global, and is ready once it has synced again", file, why.getMessage(), aside);
        } catch (IOException e) {
            LOG.warnf("the KDS snapshot %s cannot be restored: %s, nor moved aside (%s); the next save replaces it. This zone starts "
                    + "without the state it last synced from the global, and is ready once it has synced again", file, why.getMessage(), e);
        }
    }

    /** Writes every global-origin resource, meshes first. */
    synchronized void save() throws Exception {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        List<ResourceType> types = KdsTypes.globalToZone();
        for (ResourceType type : types) {
            store.listAll(ListQuery.labelled(type, FROM_GLOBAL)).toCompletableFuture().get(30, TimeUnit.SECONDS)
                    .forEach(r -> items.add(ResourceCodec.encode(r)));
        }
        byte[] bytes = Json.JSON.writeValueAsBytes(JsonNodeFactory.instance.objectNode().set("items", items));
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "kds-snapshot", ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) out.write(buffer);
                out.force(true); // the content is on disk before the rename can be
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        forceDirectory(dir);
    }

    /** Makes the rename itself durable. Linux and macOS allow opening a directory for this; Windows does not (nor needs it). */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debugf("cannot fsync the directory %s (%s); the snapshot is written, its rename may not survive a power loss", dir, e);
        }
    }
}
