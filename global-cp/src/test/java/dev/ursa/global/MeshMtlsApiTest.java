package dev.ursa.global;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.pki.MeshCa;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mesh {@code mtls} through the global's REST API: Kuma's write-time CA backend checks, with a provided CA read from
 * the mesh's Secrets, refusals as 400s naming Kuma's field, and the one deliberate difference from Kuma (switching
 * {@code enabledBackend} while mTLS is on is allowed).
 */
@QuarkusTest
class MeshMtlsApiTest {
    private static final String YAML = "application/yaml";

    @BeforeEach
    void fresh() {
        RestAssuredYaml.enable();
        given().delete("/meshes/mtls-m");
        given().contentType(YAML).body("type: Mesh\nname: mtls-m\n").put("/meshes/mtls-m").then().statusCode(201);
    }

    @Test
    void builtinBackendIsAcceptedAndReadBackTyped() {
        put(mesh("enabledBackend: ca-1\n  backends:\n  - name: ca-1\n    type: builtin\n    mode: PERMISSIVE\n    dpCert:\n      rotation:\n        expiration: 1d\n"
                + "    conf:\n      caCert:\n        RSAbits: 2048\n        expiration: 10y\n")).then().statusCode(200);
        Response got = given().accept("application/json").get("/meshes/mtls-m");
        assertThat(got.jsonPath().getString("mtls.enabledBackend")).isEqualTo("ca-1");
        assertThat(got.jsonPath().getString("mtls.backends[0].mode")).isEqualTo("PERMISSIVE");
        assertThat(got.jsonPath().getInt("mtls.backends[0].conf.caCert.RSAbits")).isEqualTo(2048);
    }

    @Test
    void documentRulesAndBackendRulesAreRefusedWithKumasFields() {
        assertRefused(put(mesh("enabledBackend: other\n  backends:\n  - name: ca-1\n    type: builtin\n")),
                "mtls.enabledBackend", "has to be set to one of the backends in the mesh");
        assertRefused(put(mesh("backends:\n  - name: ca-1\n    type: builtin\n  - name: ca-2\n    type: builtin\n")),
                "mtls.backends", "cannot have more than 1 backends");
        assertRefused(put(mesh("backends:\n  - name: ca-1\n    type: vault\n")),
                "mtls.backends[0].type", "could not find installed plugin for this type");
        assertRefused(put(mesh("backends:\n  - name: CA\n    type: builtin\n")),
                "mtls.backends[0].conf.mtls.backends.name", "\"CA\" name must be valid dns name");
        assertRefused(put(mesh("backends:\n  - name: ca-1\n    type: builtin\n    mode: LENIENT\n")),
                "mtls.backends[0].mode", "must be STRICT or PERMISSIVE");
        given().accept("application/json").get("/meshes/mtls-m").then().statusCode(200)
                .body("mtls", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void providedBackendReadsItsCaFromTheMeshSecrets() {
        MeshCa ca = MeshCa.generate("mtls-m", 2048, Duration.ofDays(30), Instant.now());
        String provided = "enabledBackend: ca-p\n  backends:\n  - name: ca-p\n    type: provided\n    conf:\n"
                + "      cert:\n        secret: ca-cert\n      key:\n        secret: ca-key\n";

        String notFound = "could not load data: resource not found: type=\\\"Secret\\\" name=\\\"ca-key\\\" mesh=\\\"mtls-m\\\"";
        Response missing = put(mesh(provided));
        assertRefused(missing, "mtls.backends[0].conf.cert", null);
        assertRefused(missing, "mtls.backends[0].conf.key", null);
        assertThat(missing.asString()).contains(notFound);

        secret("ca-cert", ca.certificatePem());
        secret("ca-key", MeshCa.generate("mtls-m", 2048, Duration.ofDays(30), Instant.now()).keyPem());
        assertRefused(put(mesh(provided)), "mtls.backends[0].conf.cert", "not a valid TLS key pair: tls: private key does not match public key");

        secret("ca-key", ca.keyPem());
        put(mesh(provided)).then().statusCode(200);
        given().accept("application/json").get("/meshes/mtls-m").then().statusCode(200)
                .body("mtls.backends[0].conf.cert.secret", org.hamcrest.Matchers.equalTo("ca-cert"));

        // skipValidation: accepted without looking at the Secrets (Kuma's escape hatch).
        put(mesh("skipValidation: true\n  enabledBackend: ca-p\n  backends:\n  - name: ca-p\n    type: provided\n    conf:\n"
                + "      cert:\n        secret: nowhere\n      key:\n        secret: nowhere\n")).then().statusCode(200);
    }

    /** Kuma refuses this ("Changing CA when mTLS is enabled is forbidden"); Ursa rotates to the new CA instead. */
    @Test
    void switchingTheEnabledBackendWhileMtlsIsOnIsAllowed() {
        put(mesh("enabledBackend: ca-1\n  backends:\n  - name: ca-1\n    type: builtin\n")).then().statusCode(200);
        put(mesh("enabledBackend: ca-2\n  backends:\n  - name: ca-2\n    type: builtin\n")).then().statusCode(200);
        assertThat(given().accept("application/json").get("/meshes/mtls-m").jsonPath().getString("mtls.enabledBackend")).isEqualTo("ca-2");
    }

    private static String mesh(String mtlsBody) {
        return "type: Mesh\nname: mtls-m\nmtls:\n  " + mtlsBody;
    }

    private static Response put(String body) {
        return given().contentType(YAML).accept("application/json").body(body).put("/meshes/mtls-m");
    }

    private static void secret(String name, String pem) {
        String data = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
        int status = given().contentType(YAML).body("type: Secret\nmesh: mtls-m\nname: " + name + "\ndata: " + data + "\n")
                .put("/meshes/mtls-m/secrets/" + name).statusCode();
        assertThat(status).isIn(200, 201);
    }

    /** A 400 whose causes include {@code field} (with {@code message}, when given). */
    private static void assertRefused(Response r, String field, String message) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        List<Map<String, String>> causes = r.jsonPath().getList("causes");
        assertThat(causes).as(r.asString()).anyMatch(c -> c.get("field").equals(field) && (message == null || c.get("message").equals(message)));
    }
}
