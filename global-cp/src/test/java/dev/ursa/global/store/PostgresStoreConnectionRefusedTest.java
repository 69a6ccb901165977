package dev.ursa.global.store;

import dev.ursa.cp.api.RestAssuredYaml;
import org.junit.jupiter.api.BeforeEach;
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
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

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
    @BeforeEach
    void failOnAny500() {
        RestAssuredYaml.enable();
    }

    public static class DeadPostgres implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "ursa.store.type", "postgres",
                    "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:1/nothing-here");
        }
    }

    @Inject
    ResourceStore store;

    @Test
    void notReadyWhilePostgresIsUnreachable() {
        var body = given().get("/q/health/ready").then().statusCode(503).extract().jsonPath();

        assertThat(body.getString("status")).isEqualTo("DOWN");
        assertThat(body.getString("checks.find { it.name == 'store' }.status")).isEqualTo("DOWN");
        assertThat(body.getString("checks.find { it.name == 'store' }.data.type")).isEqualTo("postgres");
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
