package dev.ursa.global;

import dev.ursa.cp.api.AdminApiContract;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.testing.SampleResources;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The global's admin API on the embedded in-memory store (no database configured). */
@QuarkusTest
class GlobalAdminApiTest extends AdminApiContract {
    @Override
    protected List<ResourceType> writableTypes() {
        List<ResourceType> types = new ArrayList<>(List.of(ResourceTypes.MESH, ResourceTypes.ZONE));
        types.addAll(ResourceTypes.policies());
        return types;
    }

    @Override
    protected String expectedMode() {
        return "global";
    }

    @Test
    void zoneOwnedTypesAreRefusedWith405AndNothingStored() {
        String before = snapshot();
        for (ResourceType type : List.of(ResourceTypes.DATAPLANE, ResourceTypes.ZONE_INGRESS, ResourceTypes.ZONE_INSIGHT)) {
            var r = put(type, SampleResources.path(type), SampleResources.yaml(type), YAML);
            assertThat(r.statusCode()).as("%s", type).isEqualTo(405);
            assertThat(json(r).get("details").asText()).contains(type.name());
        }
        given().delete(SampleResources.path(ResourceTypes.DATAPLANE)).then().statusCode(405);
        assertThat(snapshot()).isEqualTo(before);
    }
}
