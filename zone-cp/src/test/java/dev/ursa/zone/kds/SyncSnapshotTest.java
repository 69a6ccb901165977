package dev.ursa.zone.kds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.testing.SampleResources;
import dev.ursa.sync.KdsTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zone's last synced state on disk: a snapshot round-trips; one that cannot be restored (garbage, truncated, empty,
 * one bad item, out of order) is moved aside untouched and nothing of it is restored, so the zone starts empty.
 */
class SyncSnapshotTest {
    static final Instant NOW = Instant.parse("2026-03-04T05:06:07.089Z");
    static final String ASIDE = "kds-snapshot.json.corrupt-20260304T050607.089Z";
    static final Map<String, String> FROM_GLOBAL = Map.of(KdsTypes.ORIGIN_LABEL, KdsTypes.ORIGIN_GLOBAL);

    @TempDir
    Path dir;

    final InMemoryStore restoredInto = new InMemoryStore();

    @Test
    void aSavedSnapshotRestoresEveryResourceIntoAFreshStore() throws Exception {
        byte[] saved = savedSnapshot();

        assertThat(snapshot(restoredInto).restore()).isEqualTo(2);

        assertThat(names(ResourceTypes.MESH)).containsExactly("default");
        assertThat(names(ResourceTypes.MESH_TIMEOUT)).containsExactly("t1");
        assertThat(Files.readAllBytes(dir.resolve(SyncSnapshot.FILE_NAME))).isEqualTo(saved);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly(SyncSnapshot.FILE_NAME);
        }
    }

    @Test
    void garbageBytesAreMovedAsideAndNothingIsRestored() throws Exception {
        byte[] garbage = {0x00, (byte) 0xff, 0x13, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'};
        Files.write(dir.resolve(SyncSnapshot.FILE_NAME), garbage);

        assertRestoresNothingAndKeepsAside(garbage);
    }

    @Test
    void aTruncatedSnapshotIsMovedAsideAndNothingIsRestored() throws Exception {
        byte[] saved = savedSnapshot();
        byte[] truncated = Arrays.copyOf(saved, saved.length / 2);
        Files.write(dir.resolve(SyncSnapshot.FILE_NAME), truncated);

        assertRestoresNothingAndKeepsAside(truncated);
    }

    @Test
    void anEmptyFileIsMovedAsideAndNothingIsRestored() throws Exception {
        // What a rename that reached the disk before the data can leave after a power loss.
        Files.write(dir.resolve(SyncSnapshot.FILE_NAME), new byte[0]);

        assertRestoresNothingAndKeepsAside(new byte[0]);
    }

    @Test
    void oneUndecodableItemMakesTheWholeSnapshotCorrupt() throws Exception {
        ObjectNode root = (ObjectNode) Json.JSON.readTree(savedSnapshot());
        ObjectNode timeout = (ObjectNode) root.withArray("items").get(1);
        ((ObjectNode) timeout.get("spec")).put("nonsense", 1); // e.g. a field of another Ursa version
        byte[] oneBadItem = Json.JSON.writeValueAsBytes(root);
        Files.write(dir.resolve(SyncSnapshot.FILE_NAME), oneBadItem);

        assertRestoresNothingAndKeepsAside(oneBadItem);
    }

    @Test
    void anItemThatCannotBeStoredUndoesWhatWasRestoredBeforeIt() throws Exception {
        // A mesh, then a policy of a mesh the snapshot does not hold: the store refuses the policy.
        String doc = "{\"items\":[" + Json.JSON.writeValueAsString(ResourceCodec.encode(mesh("other"))) + ","
                + Json.JSON.writeValueAsString(ResourceCodec.encode(timeout("default", "orphan"))) + "]}";
        byte[] outOfOrder = doc.getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve(SyncSnapshot.FILE_NAME), outOfOrder);

        assertRestoresNothingAndKeepsAside(outOfOrder);
    }

    @Test
    void afterACorruptSnapshotTheNextSaveWritesAGoodOne() throws Exception {
        Files.write(dir.resolve(SyncSnapshot.FILE_NAME), "{\"items\":[".getBytes(StandardCharsets.UTF_8));
        assertThat(snapshot(restoredInto).restore()).isZero();

        savedSnapshot();

        assertThat(snapshot(new InMemoryStore()).restore()).isEqualTo(2);
        assertThat(dir.resolve(ASIDE)).exists();
    }

    // ---- helpers

    private void assertRestoresNothingAndKeepsAside(byte[] original) throws Exception {
        assertThat(snapshot(restoredInto).restore()).isZero();

        assertThat(names(ResourceTypes.MESH)).as("nothing of the snapshot is kept").isEmpty();
        assertThat(names(ResourceTypes.MESH_TIMEOUT)).isEmpty();
        assertThat(dir.resolve(SyncSnapshot.FILE_NAME)).doesNotExist();
        assertThat(Files.readAllBytes(dir.resolve(ASIDE))).as("the corrupt file, moved aside as it was").isEqualTo(original);
    }

    /** Saves a snapshot of a mesh and a policy synced from the global (the save keeps only those) and returns its bytes. */
    private byte[] savedSnapshot() throws Exception {
        InMemoryStore synced = new InMemoryStore();
        synced.put(mesh("default"), Precondition.ANY).toCompletableFuture().join();
        synced.put(timeout("default", "t1"), Precondition.ANY).toCompletableFuture().join();
        synced.put(timeout("default", "local").withMeta(Meta.fresh("default", "local", Map.of())), Precondition.ANY).toCompletableFuture().join();
        snapshot(synced).save();
        return Files.readAllBytes(dir.resolve(SyncSnapshot.FILE_NAME));
    }

    private SyncSnapshot snapshot(InMemoryStore store) {
        return new SyncSnapshot(store, dir, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private List<String> names(dev.ursa.mesh.model.ResourceType type) {
        return restoredInto.listAll(ListQuery.all(type)).toCompletableFuture().join().stream().map(r -> r.meta().name()).toList();
    }

    private static Resource mesh(String name) {
        return parse("type: Mesh\nname: " + name + "\n");
    }

    private static Resource timeout(String mesh, String name) {
        return parse(SampleResources.meshTimeout(mesh, name, "5s"));
    }

    private static Resource parse(String yaml) {
        Resource r = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        return r.withMeta(Meta.fresh(r.meta().mesh(), r.meta().name(), FROM_GLOBAL));
    }
}
