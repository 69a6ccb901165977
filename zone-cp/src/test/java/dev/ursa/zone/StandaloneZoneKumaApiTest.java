package dev.ursa.zone;

import dev.ursa.cp.api.KumaApiContract;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import io.quarkus.test.junit.QuarkusTest;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;

/** Kuma users' tools against a standalone zone, which writes every type but the computed ones. */
@QuarkusTest
class StandaloneZoneKumaApiTest extends KumaApiContract {
    @Override
    protected List<ResourceType> writableTypes() {
        return ResourceTypes.all().stream().filter(t -> t != ResourceTypes.ZONE_INSIGHT && t != ResourceTypes.DATAPLANE_INSIGHT && t != ResourceTypes.TOKEN_TRUST).toList();
    }

    @Override
    protected List<Failure> failures() {
        List<Failure> list = new ArrayList<>(super.failures());
        list.add(new Failure("404 config of no dataplane", 404, () -> given().get("/meshes/default/dataplanes/nope/_config")));
        list.add(new Failure("405 computed DataplaneInsight", 405, () -> given().contentType(YAML)
                .body("type: DataplaneInsight\nmesh: default\nname: x\n").put("/meshes/default/dataplane-insights/x")));
        return list;
    }
}
