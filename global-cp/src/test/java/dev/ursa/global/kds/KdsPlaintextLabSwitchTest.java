package dev.ursa.global.kds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.mesh.store.InMemoryStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.ursa.global.kds.KdsTestZones.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/** The lab switch {@code ursa.kds.tls.enabled=false}: KDS is plaintext, a zone dials grpc://, and there is no CA to serve. */
@QuarkusTest
@TestProfile(KdsPlaintextLabSwitchTest.Profile.class)
class KdsPlaintextLabSwitchTest {
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ursa.kds.tls.enabled", "false");
        }
    }

    @Inject
    KdsServer kds;
    @Inject
    KdsTls tls;

    final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() {
        RestAssuredYaml.enable();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
    }

    @Test
    void aZoneSyncsOverPlaintextAndNoCaIsServed() throws Exception {
        assertThat(tls.enabled()).isFalse();
        given().get("/kds/ca.pem").then().statusCode(404).body(containsString("ursa.kds.tls.enabled=false"));

        KdsTestZones zones = new KdsTestZones(kds.port(), null);
        closeables.add(zones);
        zones.zone(KdsTestZones.withCredentials(zones.plaintextChannel(), token("zone-lab", "1h"), "zone-lab"), new InMemoryStore())
                .synced().get(10, TimeUnit.SECONDS);
    }
}
