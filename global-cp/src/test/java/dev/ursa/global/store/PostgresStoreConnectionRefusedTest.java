package dev.ursa.global.store;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.store.StoreProducer;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.ZoneSpec;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ursa.store.type=postgres} pointed at a port that refuses connections (no server there): the app starts, is not ready, and store calls fail with Unavailable. */
@QuarkusTest
@TestProfile(PostgresStoreConnectionRefusedTest.DeadPostgres.class)
class PostgresStoreConnectionRefusedTest {
    public static class DeadPostgres implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "ursa.store.type", "postgres",
                    "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:1/nothing-here");
        }
    }

    static {
        RestAssuredYaml.enable();
    }

    @Inject
    ResourceStore store;

    @Test
    void notReadyWhilePostgresIsUnreachable() {
        var body = given().get("/q/health/ready").then().statusCode(503).extract().jsonPath();

        assertThat(body.getString("status")).isEqualTo("DOWN");
        assertThat(body.getString("checks.find { it.name == 'store' }.status")).isEqualTo("DOWN");
        assertThat(body.getString("checks.find { it.name == 'store' }.data.type")).isEqualTo("postgres");
        // The driver's error (host, port, "Connection refused") is in the log, not in the body.
        assertThat(body.getString("checks.find { it.name == 'store' }.data.error"))
                .isEqualTo("the store does not answer; the cause is in the control plane's log");
    }

    @Test
    void a503BodySaysWhatHappenedWithoutTheDatabasesErrorText() {
        Response read = given().accept("application/json").get("/meshes");
        Response write = given().accept("application/json").contentType("application/yaml").body("type: Zone\nname: z1\nenabled: true\n").put("/zones/z1");

        for (Response r : List.of(read, write)) {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.jsonPath().getString("title")).isEqualTo("Store unavailable");
            assertThat(r.jsonPath().getString("details")).isEqualTo("the store is unavailable; nothing was written, retry later");
            assertThat(r.asString()).doesNotContain("127.0.0.1", "nothing-here").doesNotContainIgnoringCase("refused")
                    .doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("database");
        }
    }

    @Test
    void storeCallsFailWithUnavailable() {
        Resource zone = new Resource(ResourceTypes.ZONE, Meta.fresh("", "z1", Map.of()), new ZoneSpec(true));

        assertThatThrownBy(() -> StoreProducer.unwrap(store).put(zone, Precondition.ANY).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StoreException.Unavailable.class);
        assertThatThrownBy(() -> store.get(zone.key()).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(StoreException.Unavailable.class);
    }
}
