package dev.ursa.zone.kds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.sync.KdsTypes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The global-origin resources of a memory-store zone, saved to {@code <data-dir>/kds-snapshot.json} (written to a
 * temporary file, then atomically renamed, so a crash leaves the old or the new snapshot, never half of one) and
 * restored at start, meshes first.
 */
final class SyncSnapshot {
    private static final Logger LOG = Logger.getLogger(SyncSnapshot.class);
    private static final Map<String, String> FROM_GLOBAL = Map.of(KdsTypes.ORIGIN_LABEL, KdsTypes.ORIGIN_GLOBAL);

    private final ResourceStore store;
    private final Path file;

    SyncSnapshot(ResourceStore store, Path dataDir) {
        this.store = store;
        this.file = dataDir.resolve("kds-snapshot.json");
    }

    Path file() {
        return file;
    }

    /** Loads the snapshot into the store; returns how many resources it held (0 when there is none). */
    int restore() throws Exception {
        if (!Files.exists(file)) return 0;
        JsonNode root = Json.JSON.readTree(file.toFile());
        int n = 0;
        for (JsonNode item : root.path("items")) {
            Resource r = ResourceCodec.decode(item);
            store.put(r, Precondition.ANY).toCompletableFuture().get(30, TimeUnit.SECONDS);
            n++;
        }
        LOG.infof("restored %d resources synced from the global from %s", n, file);
        return n;
    }

    /** Writes every global-origin resource, meshes first. */
    synchronized void save() throws Exception {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        List<ResourceType> types = KdsTypes.globalToZone();
        for (ResourceType type : types) {
            store.listAll(ListQuery.labelled(type, FROM_GLOBAL)).toCompletableFuture().get(30, TimeUnit.SECONDS)
                    .forEach(r -> items.add(ResourceCodec.encode(r)));
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "kds-snapshot", ".tmp");
        try {
            Json.JSON.writeValue(tmp.toFile(), JsonNodeFactory.instance.objectNode().set("items", items));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
