package dev.ursa.zone.xds;

import dev.ursa.cp.api.RestAssuredYaml;

import static io.restassured.RestAssured.given;

/**
 * Tokens minted through the running zone's own API (loopback: admin), for tests that connect xDS clients. Each app boot
 * has its own signing keys (a fresh in-memory store), so tokens are minted per test, never kept across classes.
 */
public final class TestTokens {
    private TestTokens() {
    }

    /** A dataplane token for any dataplane of {@code mesh}. */
    public static String dataplane(String mesh) {
        return mint("/tokens/dataplane", "{\"mesh\":\"" + mesh + "\"}");
    }

    /** A dataplane token for dataplane {@code name} of {@code mesh}. */
    public static String dataplane(String mesh, String name) {
        return mint("/tokens/dataplane", "{\"mesh\":\"" + mesh + "\",\"name\":\"" + name + "\"}");
    }

    /** A zone token with scope ingress for this zone, issued by the zone CP itself. */
    public static String ingress() {
        return mint("/tokens/zone", "{\"scope\":[\"ingress\"]}");
    }

    public static String mint(String path, String json) {
        RestAssuredYaml.enable();
        return given().contentType("application/json").body(json).post(path).then().statusCode(200).extract().asString().trim();
    }
}
