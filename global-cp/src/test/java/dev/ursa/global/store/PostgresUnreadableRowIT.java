package dev.ursa.global.store;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import io.restassured.specification.RequestSpecification;
import dev.ursa.cp.store.StoreProducer;
import dev.ursa.cp.store.postgres.PostgresStore;
import dev.ursa.global.events.FreshDatabaseResource;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.testing.SampleResources;
import dev.ursa.sync.Envelope;
import dev.ursa.sync.KdsTypes;
import dev.ursa.sync.ResourceIndex;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One stored row whose spec no longer decodes (written by hand here, with SQL) is contained: listings skip it and
 * return the rest, the gauge counts it, the log names it once, a GET of it is a data error with a clean body, a PUT
 * replaces it and a DELETE removes it, and the KDS index keeps serving.
 */
@QuarkusTest
@TestProfile(PostgresUnreadableRowIT.OwnDatabase.class)
class PostgresUnreadableRowIT {
    static final Duration DEADLINE = Duration.ofSeconds(10);
    static final String PATH = "/meshes/default/meshtimeouts/";
    static final String TIMEOUTS = KdsTypes.TYPE_URL_PREFIX + "MeshTimeout";

    /** A database of its own: the test writes rows by hand, which other runs on the shared one must not see. */
    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FreshDatabaseResource.class));
        }
    }

    static {
        RestAssuredYaml.enable();
    }

    @Inject
    ResourceStore injected;
    @Inject
    Pool pool;
    @Inject
    MeterRegistry meters;

    private final Logger storeLog = Logger.getLogger(PostgresStore.class.getName());
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private ResourceIndex index;

    @BeforeEach
    void threeTimeouts() {
        PostgresDatabase.requireReachable(pool);
        await(((PostgresStore) StoreProducer.unwrap(injected)).ready());
        pool.query("truncate ursa_resource").execute().await().atMost(DEADLINE);
        given().contentType("application/yaml").body("type: Mesh\nname: default\n").put("/meshes/default").then().statusCode(201);
        for (String name : List.of("t1", "t2", "t3")) putTimeout(name, "5s").then().statusCode(201);
        storeLog.addHandler(capture);
    }

    @AfterEach
    void stop() {
        storeLog.removeHandler(capture);
        if (index != null) index.close();
    }

    @Test
    void anUnreadableRowIsSkippedCountedLoggedOnceAndItsGetIsADataErrorUntilAPutReplacesIt() {
        corruptByHand("t2");

        for (int i = 0; i < 3; i++) {
            assertThat(names(given().get("/meshes/default/meshtimeouts"))).as("listing %d", i).containsExactly("t1", "t3");
        }
        assertThat(names(given().get("/meshtimeouts"))).containsExactly("t1", "t3");
        assertThat(await(injected.listAll(ListQuery.all(ResourceTypes.MESH_TIMEOUT)))).extracting(r -> r.meta().name()).containsExactly("t1", "t3");
        // Paging goes by offset + size: the page holding t2 comes back short, and the next one does not repeat t1.
        Response second = given().queryParam("size", 1).queryParam("offset", 1).get("/meshes/default/meshtimeouts");
        assertThat(names(second)).isEmpty();
        assertThat(second.jsonPath().getString("next")).contains("offset=2");
        assertThat(names(given().queryParam("size", 1).queryParam("offset", 2).get("/meshes/default/meshtimeouts"))).containsExactly("t3");

        Response get = corruptRowRead().accept("application/json").get(PATH + "t2");
        assertThat(get.statusCode()).isEqualTo(500);
        assertThat(get.jsonPath().getString("title")).isEqualTo("Stored resource unreadable");
        assertThat(get.jsonPath().getString("details")).contains("MeshTimeout \"t2\" in mesh \"default\"", "PUT of a valid document replaces it");
        assertThat(get.asString()).as("no decoder or database text").doesNotContainIgnoringCase("nonsense")
                .doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("jsonb").doesNotContainIgnoringCase("unknown field");
        assertThatThrownBy(() -> await(injected.get(key("t2")))).isInstanceOf(StoreException.Unreadable.class);

        assertThat(unreadableRows("MeshTimeout")).isEqualTo(1);
        assertThat(unreadableRows("Mesh")).isZero();
        assertThat(given().get("/q/metrics").asString()).containsPattern("ursa_store_unreadable_rows\\{type=\"MeshTimeout\",?} 1\\.0");
        assertThat(warnings).as("one WARN for the row, however often it was read").singleElement().asString()
                .contains("MeshTimeout \"t2\" in mesh \"default\"", "cannot be decoded", "nonsense");

        putTimeout("t2", "7s").then().statusCode(200);
        given().get(PATH + "t2").then().statusCode(200);
        assertThat(names(given().get("/meshes/default/meshtimeouts"))).containsExactly("t1", "t2", "t3");
        assertThat(unreadableRows("MeshTimeout")).isZero();
        // readiness probes the store with a 2 s ping: on a loaded 2-core CI machine one probe can miss it, so wait
        Await.until("the control plane ready", Duration.ofSeconds(20), () -> given().get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void everyShapeOfUndecodableColumnIsContained() {
        // A jsonb column can hold any JSON value, not only an object; each must stay a fault of its own row.
        for (String set : List.of("spec = '[1, 2]'", "spec = '\"text\"'", "spec = 'null'", "spec = '{\"targetRef\": 5}'",
                "labels = '[1]'", "labels = '\"x\"'", "labels = 'null'")) {
            var updated = pool.query("update ursa_resource set " + set + " where type = 'MeshTimeout' and mesh = 'default' and name = 't2'")
                    .execute().await().atMost(DEADLINE);
            assertThat(updated.rowCount()).isEqualTo(1);

            assertThat(names(given().get("/meshes/default/meshtimeouts"))).as(set).containsExactly("t1", "t3");
            assertThat(corruptRowRead().get(PATH + "t2").statusCode()).as(set).isEqualTo(500);
            putTimeout("t2", "7s").then().statusCode(200);
            assertThat(names(given().get("/meshes/default/meshtimeouts"))).as(set).containsExactly("t1", "t2", "t3");
        }
    }

    @Test
    void anUnreadableRowCanBeDeleted() {
        corruptByHand("t3");
        corruptRowRead().get(PATH + "t3").then().statusCode(500);
        assertThat(unreadableRows("MeshTimeout")).isEqualTo(1);

        given().delete(PATH + "t3").then().statusCode(200);

        given().get(PATH + "t3").then().statusCode(404);
        assertThat(unreadableRows("MeshTimeout")).isZero();
        assertThat(names(given().get("/meshes/default/meshtimeouts"))).containsExactly("t1", "t2");
    }

    @Test
    void theKdsIndexKeepsTheLastGoodVersionOfAnUnreadableRowAndFollowsTheOthers() {
        index = new ResourceIndex(injected, KdsTypes.globalToZone(), r -> true).start();
        String lastGoodT2 = index.snapshot(TIMEOUTS).get("default/t2").version();
        String beforeT1 = index.snapshot(TIMEOUTS).get("default/t1").version();

        // As a newer Ursa writing a spec this one cannot read would: a new version, and a change event.
        pool.preparedQuery("""
                        with changed as (update ursa_resource set spec = '{"nonsense": 1}', version = version + 1
                                         where type = 'MeshTimeout' and mesh = 'default' and name = $1 returning version)
                        select pg_notify('ursa_changes', json_build_object('type', 'MeshTimeout', 'mesh', 'default', 'name', $1,
                                'kind', 'UPDATED', 'version', version,
                                'at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text) from changed""")
                .execute(Tuple.of("t2")).await().atMost(DEADLINE);
        putTimeout("t1", "9s").then().statusCode(200);

        Await.until("t1's change in the index", DEADLINE, () -> !index.snapshot(TIMEOUTS).get("default/t1").version().equals(beforeT1));
        assertThat(index.snapshot(TIMEOUTS).get("default/t2").version()).isEqualTo(lastGoodT2);
        index.resync("test");
        Await.until("the resync", DEADLINE, () -> index.resyncs() == 1);
        assertThat(index.snapshot(TIMEOUTS)).containsKeys("default/t1", "default/t2", "default/t3");
        assertThat(index.snapshot(TIMEOUTS).get("default/t2").version()).isEqualTo(lastGoodT2);

        putTimeout("t2", "11s").then().statusCode(200);
        Resource repaired = await(injected.get(key("t2"))).orElseThrow();
        Await.until("the repaired t2 in the index", DEADLINE, () -> index.snapshot(TIMEOUTS).get("default/t2").version().equals(Envelope.version(repaired)));
    }

    // ---- helpers

    /** What an edit by hand, or a spec of another Ursa version, leaves: valid JSON that does not bind to the type. */
    private void corruptByHand(String name) {
        var updated = pool.preparedQuery("update ursa_resource set spec = '{\"nonsense\": 1}' where type = 'MeshTimeout' and mesh = 'default' and name = $1")
                .execute(Tuple.of(name)).await().atMost(DEADLINE);
        assertThat(updated.rowCount()).isEqualTo(1);
    }

    private static Response putTimeout(String name, String idle) {
        return given().contentType("application/yaml").body(SampleResources.meshTimeout("default", name, idle)).put(PATH + name);
    }

    private static List<String> names(Response listing) {
        assertThat(listing.statusCode()).isEqualTo(200);
        return listing.jsonPath().getList("items.name", String.class);
    }

    private double unreadableRows(String type) {
        return meters.get("ursa_store_unreadable_rows").tag("type", type).gauge().value();
    }

    private static ResourceKey key(String name) {
        return ResourceKey.of(ResourceTypes.MESH_TIMEOUT, "default", name);
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A read of a row this test corrupted: its deliberate 500 does not fail the test (any other 500 still does). */
    private static RequestSpecification corruptRowRead() {
        return given().header(RestAssuredYaml.EXPECT_UNREADABLE_ROW, "unreadable-row");
    }
}
