package dev.ursa.global;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.Aip193;
import dev.ursa.cp.api.KumaApiContract;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Kuma users' tools against the global: its writable types, and the refusals only the global makes. */
@QuarkusTest
class GlobalKumaApiTest extends KumaApiContract {
    @Override
    protected List<ResourceType> writableTypes() {
        List<ResourceType> types = new ArrayList<>(List.of(ResourceTypes.MESH, ResourceTypes.ZONE, ResourceTypes.SECRET));
        types.addAll(ResourceTypes.policies());
        return types;
    }

    /**
     * {@code kumactl generate zone-token}: kumactl 2.14 allows the scopes ingress and egress (default both); Ursa's zone
     * tokens have cp and ingress, so only {@code --scope ingress} (an ingress gateway's token) is minted, and the default
     * is refused naming {@code scope}.
     */
    @Test
    void kumactlGenerateZoneToken() {
        given().contentType(JSON).body("{\"zone\":\"zone-1\",\"scope\":[\"ingress\"],\"validFor\":\"24h0m0s\"}")
                .post("/tokens/zone").then().statusCode(200).contentType("text/plain");
        JsonNode refused = Aip193.assertErrorBody(given().contentType(JSON)
                .body("{\"zone\":\"zone-1\",\"scope\":[\"ingress\",\"egress\"],\"validFor\":\"24h0m0s\"}").post("/tokens/zone"), 400);
        assertThat(Aip193.fields(refused)).containsExactly("scope");
    }

    @Override
    protected List<Failure> failures() {
        List<Failure> list = new ArrayList<>(super.failures());
        list.add(new Failure("405 zone-owned type on the global", 405, () -> given().contentType(JSON)
                .body("{\"type\":\"Dataplane\",\"mesh\":\"default\",\"name\":\"dp-1\",\"networking\":{\"address\":\"10.0.0.1\"}}")
                .put("/meshes/default/dataplanes/dp-1")));
        list.add(new Failure("400 malformed zone token request", 400, () -> given().contentType(JSON).body("{\"zone\":").post("/tokens/zone")));
        list.add(new Failure("400 zone token request of a wrong type", 400, () -> given().contentType(JSON).body("{\"zone\":7}").post("/tokens/zone")));
        list.add(new Failure("404 overview of no zone", 404, () -> given().get("/zones/nope/_overview")));
        list.add(new Failure("406 token text as HTML", 406, () -> given().accept("text/html").contentType(JSON)
                .body("{\"zone\":\"zone-1\"}").post("/tokens/zone")));
        return list;
    }
}
