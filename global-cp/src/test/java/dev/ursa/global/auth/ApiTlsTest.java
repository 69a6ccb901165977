package dev.ursa.global.auth;

import dev.ursa.cp.api.RestAssuredYaml;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ursa.api.tls.cert-file} / {@code key-file}: the admin port speaks HTTPS with the given certificate, and only
 * HTTPS. The certificate is made by the test.
 */
@QuarkusTest
@TestProfile(ApiTlsTest.WithCertificate.class)
class ApiTlsTest {
    static TestCertificate cert;

    public static class WithCertificate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                cert = TestCertificate.create(Path.of("target/api-tls-test/" + System.nanoTime()).toAbsolutePath());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of("ursa.api.tls.cert-file", cert.certFile().toString(), "ursa.api.tls.key-file", cert.keyFile().toString());
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @BeforeAll
    static void rest() {
        RestAssuredYaml.enable();
    }

    @Test
    void theAdminApiAnswersOverHttpsWithTheGivenCertificate() throws Exception {
        assertThat(https.getProtocol()).isEqualTo("https");
        Response r = given().baseUri("https://localhost").port(https.getPort()).trustStore(cert.trustStore()).get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getString("product")).isEqualTo("Ursa");
        given().baseUri("https://localhost").port(https.getPort()).trustStore(cert.trustStore())
                .contentType("application/yaml").body("type: Mesh\nname: over-tls\n").put("/meshes/over-tls").then().statusCode(201);

        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(cert.trustStore());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> jdk = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https.getPort() + "/meshes/over-tls")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(jdk.statusCode()).isEqualTo(200);
        assertThat(jdk.sslSession()).isPresent();
        assertThat(jdk.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(cert.certificate());
    }

    @Test
    void plainHttpOnTheAdminPortGetsNoAnswer() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + https.getPort() + "/meshes"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
}
