package dev.ursa.zone.mtls;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.resources.CaSecrets;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.testsupport.Await;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;

/** A standalone zone (no global address) authors its meshes, so it generates their builtin CAs itself. */
@QuarkusTest
class StandaloneZoneMeshCaTest {
    static {
        RestAssuredYaml.enable();
    }

    @Inject
    ResourceStore store;

    @AfterEach
    void cleanUp() {
        given().delete("/meshes/ca-standalone");
    }

    @Test
    void aMeshWithABuiltinBackendGetsItsCaSecrets() {
        given().contentType("application/yaml").body("""
                type: Mesh
                name: ca-standalone
                mtls:
                  enabledBackend: ca-1
                  backends:
                    - name: ca-1
                      type: builtin
                """).put("/meshes/ca-standalone").then().statusCode(201);

        for (String name : new String[]{CaSecrets.builtinCert("ca-standalone", "ca-1"), CaSecrets.builtinKey("ca-standalone", "ca-1")}) {
            Await.until(name, Duration.ofSeconds(30),
                    () -> StoredSecrets.join(store.get(ResourceKey.of(ResourceTypes.SECRET, "ca-standalone", name))).isPresent());
        }
    }
}
