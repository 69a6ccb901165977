package dev.ursa.mesh.store;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.MeshSpec;
import dev.ursa.mesh.resources.ZoneSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ResourceStore} must do. A subclass supplies the store and empties it before each test.
 * <p>
 * The change feed may be asynchronous (Postgres delivers through LISTEN/NOTIFY), so event assertions await with a
 * deadline, and "no event" is proven with a fence: a later write whose event must arrive after anything the
 * earlier operation could have sent.
 */
public abstract class StoreContract {
    protected static final Duration DEADLINE = Duration.ofSeconds(10);

    private final AtomicInteger fences = new AtomicInteger();

    /** The store under test; the same instance for the whole test. */
    protected abstract ResourceStore store();

    /** Removes every stored resource (called before each test, before any event is recorded). */
    protected abstract void reset() throws Exception;

    @BeforeEach
    void emptyStoreAndDrainFeed() throws Exception {
        reset();
        // Events of an earlier test may still be in flight on an asynchronous feed: a marker write and delete,
        // awaited through the feed, guarantees that everything before it has been delivered.
        try (Recorder drain = record()) {
            Resource marker = zone("drain-" + System.nanoTime(), true, Map.of());
            await(store().put(marker, Precondition.ANY));
            await(store().delete(marker.key(), Precondition.ANY));
            drain.awaitEvent(e -> e.key().equals(marker.key()) && e.kind() == ChangeKind.DELETED);
        }
    }

    // ---- put: create, update, no-op -------------------------------------------------------------------------

    @Test
    void createStoresVersionOneWithTimestampsAndGetReturnsIt() {
        WriteResult created = await(store().put(mesh("m1", Map.of("team", "a")), Precondition.ANY));

        assertThat(created.change()).isEqualTo(ChangeKind.CREATED);
        assertThat(created.created()).isTrue();
        Meta meta = created.resource().meta();
        assertThat(meta.version()).isEqualTo(1);
        assertThat(meta.creationTime()).isNotNull();
        assertThat(meta.modificationTime()).isEqualTo(meta.creationTime());
        assertThat(meta.labels()).containsExactly(Map.entry("team", "a"));
        assertThat(await(store().get(meshKey("m1")))).contains(created.resource());
    }

    @Test
    void getOfAbsentResourceIsEmpty() {
        assertThat(await(store().get(meshKey("nope")))).isEmpty();
        assertThat(await(store().get(timeoutKey("nope", "t1")))).isEmpty();
    }

    @Test
    void updateIncrementsVersionKeepsCreationTimeAndAdvancesModificationTime() {
        Resource v1 = await(store().put(zone("z1", true, Map.of()), Precondition.ANY)).resource();

        WriteResult updated = await(store().put(zone("z1", false, Map.of()), Precondition.ANY));

        assertThat(updated.change()).isEqualTo(ChangeKind.UPDATED);
        Meta meta = updated.resource().meta();
        assertThat(meta.version()).isEqualTo(2);
        assertThat(meta.creationTime()).isEqualTo(v1.meta().creationTime());
        assertThat(meta.modificationTime()).isAfter(v1.meta().modificationTime());
        assertThat(updated.resource().spec(ZoneSpec.class).enabled()).isFalse();
        assertThat(await(store().get(v1.key()))).contains(updated.resource());
    }

    @Test
    void labelChangeAloneIsAnUpdate() {
        await(store().put(zone("z1", true, Map.of("a", "1")), Precondition.ANY));

        WriteResult updated = await(store().put(zone("z1", true, Map.of("a", "2")), Precondition.ANY));

        assertThat(updated.change()).isEqualTo(ChangeKind.UPDATED);
        assertThat(updated.resource().meta().version()).isEqualTo(2);
        assertThat(updated.resource().meta().labels()).containsExactly(Map.entry("a", "2"));
    }

    @Test
    void putOfEqualContentWritesNothingAndSendsNoEvent() {
        try (Recorder events = record()) {
            await(store().put(mesh("m1", Map.of()), Precondition.ANY));
            Resource stored = await(store().put(timeout("m1", "t1", Map.of("x", "y")), Precondition.ANY)).resource();
            assertThat(events.fence()).hasSize(2);

            WriteResult again = await(store().put(timeout("m1", "t1", Map.of("x", "y")), Precondition.ANY));

            assertThat(again.change()).isNull();
            assertThat(again.resource()).isEqualTo(stored);
            assertThat(again.resource().meta().version()).isEqualTo(1);
            assertThat(await(store().get(stored.key()))).contains(stored);
            assertThat(events.fence()).isEmpty();
        }
    }

    @Test
    void equalContentStillChecksThePrecondition() {
        Resource stored = await(store().put(zone("z1", true, Map.of()), Precondition.ANY)).resource();

        assertThatThrownBy(() -> await(store().put(zone("z1", true, Map.of()), Precondition.version(7))))
                .isInstanceOf(StoreException.Conflict.class);
        assertThatThrownBy(() -> await(store().put(zone("z1", true, Map.of()), Precondition.ABSENT)))
                .isInstanceOf(StoreException.AlreadyExists.class);
        assertThat(await(store().get(stored.key()))).contains(stored);
    }

    // ---- preconditions ---------------------------------------------------------------------------------------

    @Test
    void absentPreconditionCreatesOnceThenRefusesWithAlreadyExists() {
        assertThat(await(store().put(zone("z1", true, Map.of()), Precondition.ABSENT)).created()).isTrue();

        assertThatThrownBy(() -> await(store().put(zone("z1", false, Map.of()), Precondition.ABSENT)))
                .isInstanceOfSatisfying(StoreException.AlreadyExists.class, e -> assertThat(e.key()).isEqualTo(zoneKey("z1")));
        assertThat(await(store().get(zoneKey("z1")))).get()
                .satisfies(r -> assertThat(r.spec(ZoneSpec.class).enabled()).isTrue());
    }

    @Test
    void versionPreconditionOnAbsentResourceIsNotFound() {
        assertThatThrownBy(() -> await(store().put(zone("z1", true, Map.of()), Precondition.version(1))))
                .isInstanceOfSatisfying(StoreException.NotFound.class, e -> assertThat(e.key()).isEqualTo(zoneKey("z1")));
        assertThat(await(store().get(zoneKey("z1")))).isEmpty();
    }

    @Test
    void staleVersionIsAConflictCarryingExpectedAndActualAndChangesNothing() {
        await(store().put(zone("z1", true, Map.of()), Precondition.ANY));
        Resource v2 = await(store().put(zone("z1", false, Map.of()), Precondition.ANY)).resource();

        assertThatThrownBy(() -> await(store().put(zone("z1", true, Map.of("new", "x")), Precondition.version(1))))
                .isInstanceOfSatisfying(StoreException.Conflict.class, e -> {
                    assertThat(e.key()).isEqualTo(zoneKey("z1"));
                    assertThat(e.expected()).isEqualTo(1);
                    assertThat(e.actual()).isEqualTo(2);
                });
        assertThat(await(store().get(zoneKey("z1")))).contains(v2);
    }

    @Test
    void matchingVersionUpdates() {
        await(store().put(zone("z1", true, Map.of()), Precondition.ANY));

        WriteResult result = await(store().put(zone("z1", false, Map.of()), Precondition.version(1)));

        assertThat(result.change()).isEqualTo(ChangeKind.UPDATED);
        assertThat(result.resource().meta().version()).isEqualTo(2);
    }

    @Test
    void meshScopedResourceNeedsItsMesh() {
        assertThatThrownBy(() -> await(store().put(timeout("m1", "t1", Map.of()), Precondition.ANY)))
                .isInstanceOfSatisfying(StoreException.MeshNotFound.class, e -> assertThat(e.key()).isEqualTo(timeoutKey("m1", "t1")));
        await(store().put(mesh("m2", Map.of()), Precondition.ANY));
        assertThatThrownBy(() -> await(store().put(timeout("m1", "t1", Map.of()), Precondition.ANY)))
                .isInstanceOf(StoreException.MeshNotFound.class);
        assertThat(await(store().get(timeoutKey("m1", "t1")))).isEmpty();
    }

    // ---- list ------------------------------------------------------------------------------------------------

    @Test
    void listByTypeIsOrderedByMeshThenNameWithTotal() {
        for (String m : List.of("m2", "m1")) await(store().put(mesh(m, Map.of()), Precondition.ANY));
        for (String n : List.of("c", "a", "b")) await(store().put(timeout("m2", n, Map.of()), Precondition.ANY));
        for (String n : List.of("z", "y")) await(store().put(timeout("m1", n, Map.of()), Precondition.ANY));

        Page all = await(store().list(ListQuery.all(ResourceTypes.MESH_TIMEOUT)));

        assertThat(all.total()).isEqualTo(5);
        assertThat(keys(all)).containsExactly("m1/y", "m1/z", "m2/a", "m2/b", "m2/c");
        assertThat(names(await(store().list(ListQuery.all(ResourceTypes.MESH))))).containsExactly("m1", "m2");
    }

    @Test
    void listByMeshReturnsOnlyThatMesh() {
        for (String m : List.of("m1", "m2")) await(store().put(mesh(m, Map.of()), Precondition.ANY));
        await(store().put(timeout("m1", "t1", Map.of()), Precondition.ANY));
        await(store().put(timeout("m2", "t2", Map.of()), Precondition.ANY));
        await(store().put(timeout("m2", "t3", Map.of()), Precondition.ANY));

        Page page = await(store().list(ListQuery.inMesh(ResourceTypes.MESH_TIMEOUT, "m2")));

        assertThat(keys(page)).containsExactly("m2/t2", "m2/t3");
        assertThat(page.total()).isEqualTo(2);
        assertThat(await(store().list(ListQuery.inMesh(ResourceTypes.MESH_TIMEOUT, "none"))).total()).isZero();
    }

    @Test
    void listPagesWithOffsetSizeAndTotal() {
        await(store().put(mesh("m1", Map.of()), Precondition.ANY));
        for (int i = 0; i < 7; i++) await(store().put(timeout("m1", "t" + i, Map.of()), Precondition.ANY));

        Page first = await(store().list(new ListQuery(ResourceTypes.MESH_TIMEOUT, "m1", Map.of(), 0, 3)));
        Page second = await(store().list(new ListQuery(ResourceTypes.MESH_TIMEOUT, "m1", Map.of(), 3, 3)));
        Page last = await(store().list(new ListQuery(ResourceTypes.MESH_TIMEOUT, "m1", Map.of(), 6, 3)));
        Page beyond = await(store().list(new ListQuery(ResourceTypes.MESH_TIMEOUT, "m1", Map.of(), 10, 3)));

        assertThat(names(first)).containsExactly("t0", "t1", "t2");
        assertThat(names(second)).containsExactly("t3", "t4", "t5");
        assertThat(names(last)).containsExactly("t6");
        assertThat(beyond.items()).isEmpty();
        assertThat(List.of(first.total(), second.total(), last.total(), beyond.total())).containsOnly(7L);
    }

    @Test
    void listByLabelSelectorNeedsEveryLabel() {
        await(store().put(mesh("m1", Map.of()), Precondition.ANY));
        await(store().put(timeout("m1", "a", Map.of("env", "prod", "team", "x")), Precondition.ANY));
        await(store().put(timeout("m1", "b", Map.of("env", "prod")), Precondition.ANY));
        await(store().put(timeout("m1", "c", Map.of("env", "dev", "team", "x")), Precondition.ANY));
        await(store().put(timeout("m1", "d", Map.of()), Precondition.ANY));

        Page prod = await(store().list(new ListQuery(ResourceTypes.MESH_TIMEOUT, null, Map.of("env", "prod"), 0, 10)));
        Page prodX = await(store().list(new ListQuery(ResourceTypes.MESH_TIMEOUT, "m1", Map.of("env", "prod", "team", "x"), 0, 10)));
        Page prodPaged = await(store().list(new ListQuery(ResourceTypes.MESH_TIMEOUT, "m1", Map.of("env", "prod"), 1, 1)));

        assertThat(names(prod)).containsExactly("a", "b");
        assertThat(prod.total()).isEqualTo(2);
        assertThat(names(prodX)).containsExactly("a");
        assertThat(names(prodPaged)).containsExactly("b");
        assertThat(prodPaged.total()).isEqualTo(2);
    }

    // ---- delete ----------------------------------------------------------------------------------------------

    @Test
    void deleteReturnsTheResourceAndRemovesIt() {
        Resource stored = await(store().put(zone("z1", true, Map.of()), Precondition.ANY)).resource();

        Resource deleted = await(store().delete(zoneKey("z1"), Precondition.ANY));

        assertThat(deleted).isEqualTo(stored);
        assertThat(await(store().get(zoneKey("z1")))).isEmpty();
        assertThatThrownBy(() -> await(store().delete(zoneKey("z1"), Precondition.ANY)))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void deleteChecksThePrecondition() {
        await(store().put(zone("z1", true, Map.of()), Precondition.ANY));
        await(store().put(zone("z1", false, Map.of()), Precondition.ANY));

        assertThatThrownBy(() -> await(store().delete(zoneKey("z1"), Precondition.version(1))))
                .isInstanceOfSatisfying(StoreException.Conflict.class, e -> {
                    assertThat(e.expected()).isEqualTo(1);
                    assertThat(e.actual()).isEqualTo(2);
                });
        assertThat(await(store().get(zoneKey("z1")))).isPresent();
        assertThat(await(store().delete(zoneKey("z1"), Precondition.version(2))).meta().version()).isEqualTo(2);
    }

    @Test
    void deletingAMeshDeletesEverythingInItAndNothingElse() {
        Resource otherMesh;
        Resource globalScoped;
        try (Recorder events = record()) {
            for (String m : List.of("m1", "m2")) await(store().put(mesh(m, Map.of()), Precondition.ANY));
            await(store().put(timeout("m1", "t1", Map.of()), Precondition.ANY));
            await(store().put(timeout("m1", "t2", Map.of()), Precondition.ANY));
            otherMesh = await(store().put(timeout("m2", "t1", Map.of()), Precondition.ANY)).resource();
            globalScoped = await(store().put(zone("m1", true, Map.of()), Precondition.ANY)).resource();
            assertThat(events.fence()).hasSize(6);

            await(store().delete(meshKey("m1"), Precondition.ANY));

            List<ChangeEvent> seen = events.fence();
            assertThat(seen).extracting(ChangeEvent::kind).containsOnly(ChangeKind.DELETED);
            assertThat(seen).extracting(ChangeEvent::key)
                    .containsExactlyInAnyOrder(meshKey("m1"), timeoutKey("m1", "t1"), timeoutKey("m1", "t2"));
        }
        assertThat(await(store().get(timeoutKey("m1", "t1")))).isEmpty();
        assertThat(await(store().list(ListQuery.inMesh(ResourceTypes.MESH_TIMEOUT, "m1"))).total()).isZero();
        assertThat(await(store().get(otherMesh.key()))).contains(otherMesh);
        assertThat(await(store().get(globalScoped.key()))).contains(globalScoped);
        assertThat(await(store().get(meshKey("m2")))).isPresent();
    }

    // ---- change feed -----------------------------------------------------------------------------------------

    @Test
    void changeFeedDeliversEveryCommittedChangeInCommitOrderWithKindAndVersion() {
        try (Recorder events = record()) {
            await(store().put(mesh("m1", Map.of()), Precondition.ANY));
            await(store().put(timeout("m1", "t1", Map.of()), Precondition.ANY));
            await(store().put(timeout("m1", "t1", Map.of("v", "2")), Precondition.version(1)));
            await(store().delete(timeoutKey("m1", "t1"), Precondition.ANY));
            assertThatThrownBy(() -> await(store().put(timeout("m1", "t9", Map.of()), Precondition.version(3))))
                    .isInstanceOf(StoreException.NotFound.class);

            List<ChangeEvent> seen = events.fence();
            assertThat(seen).extracting(e -> e.key() + " " + e.kind() + " v" + e.version()).containsExactly(
                    "Mesh/m1 CREATED v1",
                    "MeshTimeout/m1/t1 CREATED v1",
                    "MeshTimeout/m1/t1 UPDATED v2",
                    "MeshTimeout/m1/t1 DELETED v2");
            assertThat(seen).allSatisfy(e -> assertThat(e.at()).isNotNull());
        }
    }

    @Test
    void eventTimeIsTheWriteTime() {
        try (Recorder events = record()) {
            Resource created = await(store().put(zone("z1", true, Map.of()), Precondition.ANY)).resource();
            ChangeEvent event = events.awaitEvent(e -> e.key().equals(created.key()));
            assertThat(event.at()).isEqualTo(created.meta().modificationTime());
        }
    }

    @Test
    void closedSubscriptionReceivesNothingMore() throws Exception {
        Recorder closed = record();
        closed.close();
        try (Recorder open = record()) {
            await(store().put(zone("z1", true, Map.of()), Precondition.ANY));
            open.fence();
        }
        assertThat(closed.events()).isEmpty();
    }

    // ---- concurrency -----------------------------------------------------------------------------------------

    @Test
    void concurrentIfMatchUpdatesHaveOneWinnerPerVersionAndLoseNothing() throws Exception {
        await(store().put(zone("z1", true, Map.of()), Precondition.ANY));
        int threads = 8;
        int attempts = 50;
        AtomicInteger nextAttempt = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Map<Long, String> winnerByNewVersion = Collections.synchronizedMap(new HashMap<>());
        List<Long> duplicates = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger conflicts = new AtomicInteger();

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = nextAttempt.getAndIncrement(); i < attempts; i = nextAttempt.getAndIncrement()) {
                        long read = await(store().get(zoneKey("z1"))).orElseThrow().meta().version();
                        String writer = "attempt-" + i;
                        try {
                            WriteResult w = await(store().put(zone("z1", true, Map.of("writer", writer)), Precondition.version(read)));
                            assertThat(w.resource().meta().version()).isEqualTo(read + 1);
                            if (winnerByNewVersion.putIfAbsent(w.resource().meta().version(), writer) != null) {
                                duplicates.add(w.resource().meta().version());
                            }
                        } catch (StoreException.Conflict e) {
                            assertThat(e.expected()).isEqualTo(read);
                            assertThat(e.actual()).isGreaterThan(read);
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : workers) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        int wins = winnerByNewVersion.size();
        assertThat(duplicates).as("versions won twice").isEmpty();
        assertThat(wins + conflicts.get()).isEqualTo(attempts);
        assertThat(wins).isPositive();
        Resource last = await(store().get(zoneKey("z1"))).orElseThrow();
        assertThat(last.meta().version()).isEqualTo(wins + 1L);
        assertThat(winnerByNewVersion.keySet()).containsExactlyInAnyOrderElementsOf(versions(2, wins + 1));
        assertThat(last.meta().labels()).containsEntry("writer", winnerByNewVersion.get(last.meta().version()));
    }

    @Test
    void concurrentCreatesOfOneNewKeyNeitherFailNorDuplicate() throws Exception {
        int threads = 8;
        List<Object> absent = runConcurrently(threads, i -> store().put(zone("new-absent", true, Map.of("writer", "w" + i)), Precondition.ABSENT));
        List<Object> any = runConcurrently(threads, i -> store().put(zone("new-any", true, Map.of("writer", "w" + i)), Precondition.ANY));

        assertThat(absent).filteredOn(WriteResult.class::isInstance).hasSize(1);
        assertThat(absent).filteredOn(r -> !(r instanceof WriteResult)).hasSize(threads - 1).allSatisfy(r -> assertThat(r).isInstanceOf(StoreException.AlreadyExists.class));
        assertThat(any).allSatisfy(r -> assertThat(r).isInstanceOf(WriteResult.class));
        assertThat(any).filteredOn(r -> ((WriteResult) r).created()).hasSize(1);
        assertThat(await(store().get(zoneKey("new-any")))).get().satisfies(r -> assertThat(r.meta().version()).isEqualTo(threads));
        assertThat(await(store().list(ListQuery.all(ResourceTypes.ZONE))).items())
                .extracting(r -> r.meta().name()).filteredOn(n -> n.startsWith("new-")).containsExactly("new-absent", "new-any");
    }

    /** Runs {@code call(i)} for i in [0, n) from n threads released together; returns each result or StoreException. */
    private static List<Object> runConcurrently(int n, java.util.function.IntFunction<CompletionStage<?>> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return await(call.apply(index));
                    } catch (StoreException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Object> results = new ArrayList<>();
            for (Future<Object> f : futures) results.add(f.get(60, TimeUnit.SECONDS));
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    protected static Resource mesh(String name, Map<String, String> labels) {
        return new Resource(ResourceTypes.MESH, Meta.fresh("", name, labels), MeshSpec.empty());
    }

    protected static Resource zone(String name, boolean enabled, Map<String, String> labels) {
        return new Resource(ResourceTypes.ZONE, Meta.fresh("", name, labels), new ZoneSpec(enabled));
    }

    /** A MeshTimeout whose spec is only {@code targetRef: {kind: Mesh}}, decoded the way the REST API decodes it. */
    protected static Resource timeout(String mesh, String name, Map<String, String> labels) {
        String yaml = "type: MeshTimeout\nmesh: " + mesh + "\nname: " + name + "\nspec:\n  targetRef:\n    kind: Mesh\n";
        Resource decoded = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(UTF_8), Format.YAML));
        return decoded.withMeta(Meta.fresh(mesh, name, labels));
    }

    protected static ResourceKey meshKey(String name) {
        return ResourceKey.of(ResourceTypes.MESH, "", name);
    }

    protected static ResourceKey zoneKey(String name) {
        return ResourceKey.of(ResourceTypes.ZONE, "", name);
    }

    protected static ResourceKey timeoutKey(String mesh, String name) {
        return ResourceKey.of(ResourceTypes.MESH_TIMEOUT, mesh, name);
    }

    private static List<Long> versions(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long v = from; v <= to; v++) out.add(v);
        return out;
    }

    private static List<String> keys(Page page) {
        return page.items().stream().map(r -> r.meta().mesh() + "/" + r.meta().name()).toList();
    }

    private static List<String> names(Page page) {
        return page.items().stream().map(r -> r.meta().name()).toList();
    }

    /** Waits for a store call with a deadline and rethrows a {@link StoreException} as itself. */
    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) cause = cause.getCause();
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new AssertionError("store call did not complete within " + DEADLINE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected Recorder record() {
        return new Recorder();
    }

    /**
     * Collects change events from the moment it is created until it is closed. Events of internal types (the control
     * plane's own bookkeeping, e.g. a zone-deletion record its KDS server writes when a Zone is deleted) are not the
     * caller's writes: they are left out, as they are left out of every feed that leaves the store.
     */
    protected final class Recorder implements AutoCloseable {
        private final List<ChangeEvent> events = new ArrayList<>();
        private final AutoCloseable subscription;
        private int consumed;

        private Recorder() {
            subscription = store().changes().subscribe(this::add);
        }

        private synchronized void add(ChangeEvent e) {
            if (!ResourceTypes.isPublic(e.key().type())) return;
            events.add(e);
            notifyAll();
        }

        public synchronized List<ChangeEvent> events() {
            return List.copyOf(events);
        }

        /** Waits for the first event matching {@code match} and returns it. */
        public synchronized ChangeEvent awaitEvent(Predicate<ChangeEvent> match) {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (true) {
                for (ChangeEvent e : events) {
                    if (match.test(e)) return e;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("no matching change event within " + DEADLINE + "; got " + events);
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }

        /**
         * Writes a fresh fence resource, waits for its event and returns the events recorded since the previous fence
         * (or since the recorder was opened), without fence events. With an ordered feed these are exactly the events
         * the operations in between caused; a late event of an operation before the previous fence cannot leak in.
         */
        public List<ChangeEvent> fence() {
            Resource fence = zone("fence-" + fences.incrementAndGet(), true, Map.of());
            await(store().put(fence, Precondition.ANY));
            awaitEvent(e -> e.key().equals(fence.key()));
            synchronized (this) {
                List<ChangeEvent> between = new ArrayList<>();
                for (int i = consumed; i < events.size(); i++) {
                    ChangeEvent e = events.get(i);
                    if (e.key().equals(fence.key())) {
                        consumed = i + 1;
                        break;
                    }
                    if (!e.key().name().startsWith("fence-") || !e.key().type().equals(ResourceTypes.ZONE.name())) between.add(e);
                }
                return between;
            }
        }

        @Override
        public void close() {
            try {
                subscription.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
