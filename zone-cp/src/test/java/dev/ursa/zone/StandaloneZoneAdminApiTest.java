package dev.ursa.zone;

import dev.ursa.cp.api.AdminApiContract;
import dev.ursa.mesh.model.ResourceType;
import dev.ursa.mesh.model.ResourceTypes;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

/** A standalone zone (no global address) is its own authority: every type but the insights is writable. */
@QuarkusTest
class StandaloneZoneAdminApiTest extends AdminApiContract {
    @Override
    protected List<ResourceType> writableTypes() {
        return ResourceTypes.all().stream().filter(t -> t != ResourceTypes.ZONE_INSIGHT && t != ResourceTypes.DATAPLANE_INSIGHT && t != ResourceTypes.TOKEN_TRUST).toList();
    }

    @Override
    protected String expectedMode() {
        return "zone";
    }
}
