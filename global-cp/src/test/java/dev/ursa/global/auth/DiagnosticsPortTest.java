package dev.ursa.global.auth;

import dev.ursa.global.ReadyGlobal;
import dev.ursa.cp.api.Aip193;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.diagnostics.DiagnosticsServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The diagnostics port: health and Prometheus metrics without credentials, no writes, nothing else; the admin port keeps them. */
@QuarkusTest
class DiagnosticsPortTest {
    @Inject
    DiagnosticsServer diagnostics;

    @BeforeAll
    static void rest() {
        RestAssuredYaml.enable();
    }

    RequestSpecification diag() {
        assertThat(diagnostics.port()).isPositive();
        return given().baseUri("http://127.0.0.1").port(diagnostics.port());
    }

    @Test
    void healthAndMetricsAnswerWithoutCredentials() {
        ReadyGlobal.await();
        for (String path : new String[] {"/q/health", "/q/health/live", "/q/health/ready", "/q/health/started"}) {
            Response r = diag().header("Authorization", "Bearer not-a-jwt").get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.jsonPath().getString("status")).as(path).isEqualTo("UP");
        }
        assertThat(diag().get("/q/health/ready").jsonPath().getList("checks.name")).contains("store");
        Response metrics = diag().get("/q/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.asString()).contains("# TYPE jvm_memory_used_bytes gauge");
        diag().head("/q/metrics").then().statusCode(200);
    }

    @Test
    void writesAreRefusedAndNothingElseIsServed() {
        for (String method : new String[] {"PUT", "POST", "DELETE", "PATCH"}) {
            Response r = diag().request(method, "/q/health");
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
            Aip193.assertErrorBody(r, 405);
            diag().request(method, "/q/metrics").then().statusCode(405);
        }
        Aip193.assertErrorBody(diag().get("/meshes"), 404);
        diag().get("/").then().statusCode(404);
        diag().get("/q/openapi").then().statusCode(404);
        diag().post("/tokens/user").then().statusCode(405);
    }

    @Test
    void theAdminPortKeepsServingHealthAndMetrics() {
        ReadyGlobal.await();
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
