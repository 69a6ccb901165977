package dev.ursa.sync;

import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.testing.UnreadableRowsStore;
import dev.ursa.sync.stream.DeltaReceiver.Incoming;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.ursa.sync.ResourceIndex.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stored resource that stops decoding (another Ursa version wrote it, or a hand edit) does not stall KDS: the index
 * keeps its last good version (peers are not told to delete it) and follows every other change, and a sink replaces
 * or deletes such a row when it is its own to replace.
 */
class UnreadableResourceSyncTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String TIMEOUTS = KdsTypes.TYPE_URL_PREFIX + "MeshTimeout";

    final UnreadableRowsStore store = new UnreadableRowsStore();
    ResourceIndex index;

    @AfterEach
    void close() {
        if (index != null) index.close();
    }

    @Test
    void theIndexKeepsTheLastGoodVersionOfAnUnreadableResourceAndFollowsEveryOtherChange() {
        put(Fixtures.mesh("default"));
        put(Fixtures.timeout("default", "a", "1s"));
        put(Fixtures.timeout("default", "b", "1s"));
        index = new ResourceIndex(store, KdsTypes.globalToZone(), r -> true).start();
        Set<String> heard = ConcurrentHashMap.newKeySet();
        index.listen((typeUrl, names, at) -> heard.addAll(names));
        String lastGoodB = version("default/b");
        String beforeA = version("default/a");

        store.writeUnreadable(Fixtures.timeout("default", "b", "2s"));
        put(Fixtures.timeout("default", "a", "3s"));

        Await.until("the change of a to reach the index", WAIT, () -> !version("default/a").equals(beforeA));
        // listeners hear of a change after the index holds it: wait for the notice, then check nothing else was heard
        Await.until("the listener to hear of a", WAIT, () -> heard.contains("default/a"));
        assertThat(version("default/b")).as("b keeps its last good version").isEqualTo(lastGoodB);
        assertThat(heard).containsExactly("default/a");

        // A re-list leaves b out, and get says it is unreadable, not gone: it stays.
        long resyncsBefore = index.resyncs();
        index.resync("test");
        Await.until("the resync", WAIT, () -> index.resyncs() > resyncsBefore);
        assertThat(version("default/b")).isEqualTo(lastGoodB);
        assertThat(heard).containsExactly("default/a");

        Resource repaired = put(Fixtures.timeout("default", "b", "4s"));
        Await.until("the repaired b to reach the index", WAIT, () -> version("default/b").equals(Envelope.version(repaired)));
    }

    @Test
    void aSinkReplacesAndDeletesAnUnreadableResourceItSyncedButNotAnotherOne() {
        put(Fixtures.mesh("default"));
        StoreSink fromGlobal = StoreSink.fromGlobal(store);
        Resource synced = Fixtures.timeout("default", "synced", "10s");
        assertThat(fromGlobal.apply(ResourceTypes.MESH_TIMEOUT, List.of(incoming(synced)), List.of())).isEmpty();
        store.breakSilently(synced.key());

        Resource update = Fixtures.timeout("default", "synced", "20s");
        assertThat(fromGlobal.apply(ResourceTypes.MESH_TIMEOUT, List.of(incoming(update)), List.of())).isEmpty();
        assertThat(await(store.get(synced.key()))).hasValueSatisfying(r -> assertThat(r.spec()).isEqualTo(update.spec()));

        store.breakSilently(synced.key());
        assertThat(fromGlobal.apply(ResourceTypes.MESH_TIMEOUT, List.of(), List.of("default/synced"))).isEmpty();
        assertThat(await(store.get(synced.key()))).isEmpty();

        // The zone's own resource under the same name: unreadable or not, the global's copy does not overwrite it.
        Resource own = Fixtures.timeout("default", "own", "30s")
                .withMeta(Meta.fresh("default", "own", Map.of(KdsTypes.ORIGIN_LABEL, KdsTypes.ORIGIN_ZONE)));
        put(own);
        store.breakSilently(own.key());
        Map<String, String> failures = fromGlobal.apply(ResourceTypes.MESH_TIMEOUT, List.of(incoming(Fixtures.timeout("default", "own", "40s"))),
                List.of("default/own"));
        assertThat(failures).containsOnlyKeys("default/own");
        assertThat(failures.get("default/own")).contains("was not synced from this peer");
        assertThat(store.stored(own.key())).as("neither replaced nor deleted")
                .hasValueSatisfying(r -> assertThat(r.spec()).isEqualTo(own.spec()));
    }

    private Resource put(Resource r) {
        return await(store.put(r, Precondition.ANY)).resource();
    }

    private String version(String name) {
        return index.snapshot(TIMEOUTS).get(name).version();
    }

    private static Incoming incoming(Resource r) {
        return new Incoming(Envelope.deltaName(r), Envelope.version(r), r, null);
    }
}
