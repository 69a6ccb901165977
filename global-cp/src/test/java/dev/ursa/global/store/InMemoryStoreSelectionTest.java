package dev.ursa.global.store;

import dev.ursa.cp.api.RestAssuredYaml;
import org.junit.jupiter.api.BeforeEach;
import dev.ursa.cp.store.StoreProducer;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.global.ReadyGlobal;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the default {@code ursa.store.type=memory} the app starts and is ready while the configured database does not
 * exist (port 1 refuses connections): nothing touches the datasource and no datasource health check is registered.
 */
@QuarkusTest
@TestProfile(InMemoryStoreSelectionTest.MemoryWithDeadDatabase.class)
class InMemoryStoreSelectionTest {
    @BeforeEach
    void failOnAny500() {
        RestAssuredYaml.enable();
    }

    public static class MemoryWithDeadDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:1/nothing-here");
        }
    }

    @Inject
    ResourceStore store;

    @Inject
    Config config;

    @Test
    void memoryIsTheDefaultAndDeactivatesDatasourceAndHibernate() {
        assertThat(StoreProducer.unwrap(store)).isInstanceOf(InMemoryStore.class);
        assertThat(config.getValue("ursa.store.type", String.class)).isEqualTo("memory");
        assertThat(config.getValue("quarkus.datasource.active", Boolean.class)).isFalse();
        assertThat(config.getValue("quarkus.hibernate-orm.active", Boolean.class)).isFalse();
    }

    @Test
    void readyWithOnlyTheStoreCheckAndNoDatasourceCheck() {
        ReadyGlobal.await();
        var body = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();

        assertThat(body.getString("status")).isEqualTo("UP");
        List<String> checks = body.getList("checks.name");
        assertThat(checks).contains("store");
        assertThat(checks).noneMatch(name -> name.toLowerCase().contains("postgres") || name.toLowerCase().contains("datasource"));
        assertThat(body.getString("checks.find { it.name == 'store' }.data.type")).isEqualTo("memory");
    }
}
