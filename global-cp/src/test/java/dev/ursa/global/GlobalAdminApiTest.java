package dev.ursa.global;

import dev.ursa.cp.api.AdminApiContract;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.testing.SampleResources;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Format;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
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
        List<ResourceType> types = new ArrayList<>(List.of(ResourceTypes.MESH, ResourceTypes.ZONE, ResourceTypes.SECRET));
        types.addAll(ResourceTypes.policies());
        return types;
    }

    @Override
    protected String expectedMode() {
        return "global";
    }

    @Inject
    ResourceStore store;

    /** ZoneInsight is never written over REST (the global computes it), but it is read there like every type. */
    @Test
    void zoneInsightWrittenByTheGlobalReadsBackInJsonAndYaml() throws Exception {
        String yaml = SampleResources.yaml(ResourceTypes.ZONE_INSIGHT);
        Resource insight = ResourceCodec.decode(ResourceCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML));
        store.put(insight, Precondition.ANY).toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            JsonNode sent = Json.YAML.readTree(yaml);
            String path = SampleResources.path(ResourceTypes.ZONE_INSIGHT);
            assertSameResource(ResourceTypes.ZONE_INSIGHT, sent, json(given().accept(JSON).get(path)));
            assertSameResource(ResourceTypes.ZONE_INSIGHT, sent, Json.YAML.readTree(given().accept(YAML).get(path).asByteArray()));
        } finally {
            store.delete(insight.key(), Precondition.ANY).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void zoneOwnedTypesAreRefusedWith405AndNothingStored() {
        String before = snapshot();
        for (ResourceType type : List.of(ResourceTypes.DATAPLANE, ResourceTypes.ZONE_INGRESS, ResourceTypes.ZONE_INSIGHT, ResourceTypes.TOKEN_TRUST)) {
            var r = put(type, SampleResources.path(type), SampleResources.yaml(type), YAML);
            assertThat(r.statusCode()).as("%s", type).isEqualTo(405);
            assertThat(json(r).get("details").asText()).contains(type.name());
        }
        given().delete(SampleResources.path(ResourceTypes.DATAPLANE)).then().statusCode(405);
        assertThat(snapshot()).isEqualTo(before);
    }
}
