package dev.ursa.global;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;

import java.time.Duration;

import static io.restassured.RestAssured.given;

/**
 * A {@code @QuarkusTest} runs as soon as the HTTP port is open, but the global is ready only once KDS serves, which
 * starts in the background (the KDS CA is generated at a first start): tests that assert readiness wait for it.
 */
public final class ReadyGlobal {
    private ReadyGlobal() {
    }

    public static void await() {
        RestAssuredYaml.enable();
        Await.until("the global to be ready (GET /q/health/ready = 200)", Duration.ofSeconds(60),
                () -> given().get("/q/health/ready").statusCode() == 200);
    }
}
