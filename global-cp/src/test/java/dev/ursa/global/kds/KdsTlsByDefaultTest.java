package dev.ursa.global.kds;

import dev.ursa.cp.api.RestAssuredYaml;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static dev.ursa.global.kds.KdsTestZones.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KDS is TLS by default with no certificate configured: the global serves a certificate of its own CA, and that CA at
 * {@code GET /kds/ca.pem}; a zone verifying with it syncs, one trusting another CA or dialling plaintext is refused.
 */
@QuarkusTest
@TestProfile(GlobalKdsTest.Profile.class)
class KdsTlsByDefaultTest {
    @Inject
    KdsServer kds;

    KdsTestZones zones;

    @BeforeEach
    void start() {
        RestAssuredYaml.enable();
        zones = new KdsTestZones(kds.port());
    }

    @AfterEach
    void close() throws Exception {
        zones.close();
    }

    static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    @Test
    void theGlobalServesItsCaAndAZoneVerifyingWithItSyncs() throws Exception {
        String pem = given().get("/kds/ca.pem").then().statusCode(200).extract().asString();
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(ca.getBasicConstraints()).as("a CA certificate").isGreaterThanOrEqualTo(0);
        assertThat(ca.getNotAfter().toInstant()).isAfter(Instant.now().plusSeconds(365L * 24 * 3600));
        assertThat(given().get("/kds/ca.pem").then().statusCode(200).extract().asString()).as("the same CA every time").isEqualTo(pem);

        zones.zone("zone-tls", token("zone-tls", "1h")).synced().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPlaintextDialToTheTlsPortIsRefused() throws Exception {
        Status s = KdsTestZones.rawCall(KdsTestZones.withCredentials(zones.plaintextChannel(), token("zone-p", "1h"), "zone-p"));
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(kds.openStreams()).noneMatch(st -> st.zone().equals("zone-p"));
    }

    @Test
    void aZoneTrustingAnotherCaRefusesTheHandshake() throws Exception {
        String otherCa = KdsCertificateAuthority.pem(KdsCertificateAuthority.generate(Instant.now()).certificate());
        Status s = KdsTestZones.rawCall(KdsTestZones.withCredentials(zones.tlsChannel(otherCa), token("zone-w", "1h"), "zone-w"));
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(causedBy(s.getCause(), SSLHandshakeException.class)).as(String.valueOf(s.getCause())).isTrue();
    }
}
