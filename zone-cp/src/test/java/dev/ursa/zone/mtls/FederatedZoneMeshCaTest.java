package dev.ursa.zone.mtls;

import dev.ursa.cp.auth.StoredSecrets;
import dev.ursa.mesh.model.ResourceTypes;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.testsupport.Await;
import dev.ursa.zone.FederatedZoneApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A federated zone generates no CA: its CA Secrets come from the global over KDS (a CA of its own would differ from the
 * one the other zones trust). The mesh is written as KDS would write it, straight into the store.
 */
@QuarkusTest
@TestProfile(FederatedZoneApiTest.Federated.class)
class FederatedZoneMeshCaTest {
    @Inject
    ResourceStore store;

    @Test
    void aSyncedMeshWithABuiltinBackendGetsNoCaFromTheZone() {
        StoredSecrets.join(store.put(CaSecretKdsSyncTest.mesh("""
                type: Mesh
                name: ca-federated
                mtls:
                  enabledBackend: ca-1
                  backends:
                    - name: ca-1
                      type: builtin
                """), Precondition.ANY));
        assertThat(StoredSecrets.join(store.get(dev.ursa.mesh.model.ResourceKey.of(ResourceTypes.MESH, "", "ca-federated")))).isPresent();

        // The standalone zone generates within a second (StandaloneZoneMeshCaTest); five without one is conclusive.
        Await.holds("no Secret in mesh ca-federated", Duration.ofSeconds(5),
                () -> StoredSecrets.join(store.listAll(ListQuery.inMesh(ResourceTypes.SECRET, "ca-federated"))).isEmpty());
        StoredSecrets.join(store.delete(dev.ursa.mesh.model.ResourceKey.of(ResourceTypes.MESH, "", "ca-federated"), Precondition.ANY));
    }
}
