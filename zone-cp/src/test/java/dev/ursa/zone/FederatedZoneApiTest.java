package dev.ursa.zone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.testing.SampleResources;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.cp.api.RestAssuredYaml;
import jakarta.inject.Inject;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A federated zone refuses meshes and policies (the global owns them) and accepts its own Dataplanes. */
@QuarkusTest
@TestProfile(FederatedZoneApiTest.Federated.class)
public class FederatedZoneApiTest {
    /** A production-like zone: federated, and serving registered data planes only (also used by UnregisteredClientsRefusedTest). */
    public static class Federated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ursa.zone.global-address", "grpc://127.0.0.1:5685", "ursa.zone.name", "zone-1",
                    "ursa.xds.allow-unregistered-clients", "false");
        }
    }

    @Test
    void policiesAndMeshesAreRefusedWith405() throws Exception {
        for (ResourceType type : ResourceTypes.policies()) {
            var r = given().contentType("application/yaml").body(SampleResources.yaml(type)).put(SampleResources.path(type));
            assertThat(r.statusCode()).as("%s", type).isEqualTo(405);
            JsonNode body = Json.JSON.readTree(r.asByteArray());
            assertThat(body.get("details").asText()).contains("managed by the global control plane");
            given().get(SampleResources.path(type)).then().statusCode(404);
        }
        given().contentType("application/yaml").body("type: Mesh\nname: x\n").put("/meshes/x").then().statusCode(405);
        given().delete("/meshes/default").then().statusCode(405);
    }

    @Inject
    ResourceStore store;

    static {
        RestAssuredYaml.enable();
    }

    @Test
    void dataplanesAreAcceptedOnceTheMeshHasSynced() throws Exception {
        // The mesh arrives from the global over KDS; here it is written straight into the store as KDS would.
        Resource mesh = ResourceCodec.decode(ResourceCodec.parse("type: Mesh\nname: default\n".getBytes(), Format.YAML));
        store.put(mesh, Precondition.ANY).toCompletableFuture().get(5, TimeUnit.SECONDS);
        String path = SampleResources.path(ResourceTypes.DATAPLANE);
        given().contentType("application/yaml").body(SampleResources.yaml(ResourceTypes.DATAPLANE)).put(path).then().statusCode(201);
        given().get(path).then().statusCode(200);
        given().delete(path).then().statusCode(200);
    }

    /** GET /_resources tells kumactl what a federated zone takes: its own types, not the global's. */
    @Test
    void resourcesMarkTheGlobalsTypesReadOnly() throws Exception {
        JsonNode items = Json.JSON.readTree(given().get("/_resources").then().statusCode(200).extract().asByteArray()).get("resources");
        assertThat(items).hasSize(ResourceTypes.all().size());
        for (JsonNode item : items) {
            ResourceType type = ResourceTypes.byName(item.get("name").asText()).orElseThrow();
            boolean writable = type == ResourceTypes.DATAPLANE || type == ResourceTypes.ZONE_INGRESS;
            assertThat(item.get("readOnly").asBoolean()).as("%s", type).isEqualTo(!writable);
        }
    }

    @Test
    void indexNamesTheZone() throws Exception {
        JsonNode index = Json.JSON.readTree(given().get("/").asByteArray());
        assertThat(index.get("mode").asText()).isEqualTo("zone");
        assertThat(index.get("zone").asText()).isEqualTo("zone-1");
    }
}
