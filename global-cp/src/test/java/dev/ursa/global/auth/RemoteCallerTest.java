package dev.ursa.global.auth;

import dev.ursa.global.ReadyGlobal;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.diagnostics.DiagnosticsServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller from another address (this host's non-loopback interface) on an admin API listening on every interface, with
 * Quarkus' proxy header support on and every proxy trusted: still no admin without a token, whatever
 * {@code X-Forwarded-For} or {@code Forwarded} claim; loopback stays admin; health stays open.
 */
@QuarkusTest
@TestProfile(RemoteCallerTest.AllInterfacesBehindProxy.class)
class RemoteCallerTest {
    public static class AllInterfacesBehindProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.host", "0.0.0.0",
                    "quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true",
                    "quarkus.http.proxy.allow-forwarded", "true");
        }
    }

    @Inject
    DiagnosticsServer diagnostics;

    static String address;

    @BeforeAll
    static void remoteAddress() throws SocketException {
        RestAssuredYaml.enable();
        Optional<String> ip = NetworkInterface.networkInterfaces()
                .filter(RemoteCallerTest::up)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .map(InetAddress::getHostAddress).findFirst();
        Assumptions.assumeTrue(ip.isPresent(), "this host has no non-loopback IPv4 address to call from");
        address = ip.get();
    }

    private static boolean up(NetworkInterface n) {
        try {
            return n.isUp() && !n.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    static RequestSpecification remote() {
        return given().baseUri("http://" + address).port(RestAssured.port);
    }

    @Test
    void aRemoteCallerWithoutATokenLoadsTheGuiFilesButNoData() {
        Response redirect = remote().redirects().follow(false).get("/gui");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.header("Location")).isEqualTo("/gui/");
        for (String file : new String[] {"/gui/", "/gui/index.html", "/gui/gui.js", "/gui/gui.css"}) {
            Response r = remote().get(file);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.header("Content-Security-Policy")).as(file).contains("default-src 'self'").contains("script-src 'self'");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
        assertThat(remote().get("/gui/").asString()).contains("<script src=\"gui.js\" defer></script>");
        // what the GUI shows comes from the API, which still wants a token
        assertThat(remote().get("/who-am-i").statusCode()).isEqualTo(401);
        assertThat(remote().get("/gui/nothing/here").statusCode()).isEqualTo(401);
        assertThat(remote().put("/gui/gui.js").statusCode()).isEqualTo(401);
    }

    @Test
    void aRemoteCallerWithoutATokenIsUnauthenticatedWhateverForwardedHeadersSay() {
        for (Map.Entry<String, String> header : Map.of("X-Forwarded-For", "127.0.0.1", "Forwarded", "for=127.0.0.1",
                "X-Real-IP", "127.0.0.1", "X-Ursa-Test", "none").entrySet()) {
            Response r = remote().header(header.getKey(), header.getValue()).get("/meshes");
            assertThat(r.statusCode()).as(header.getKey()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"ursa\"");
            assertThat(r.jsonPath().getString("details")).contains("no credentials");
        }
        remote().header("X-Forwarded-For", "127.0.0.1").contentType("application/yaml").body("type: Mesh\nname: remote\n")
                .put("/meshes/remote").then().statusCode(401);
        remote().get("/q/metrics").then().statusCode(401);
        given().get("/meshes/remote").then().statusCode(404);
    }

    @Test
    void aRemoteCallerWithATokenIsWhoItsTokenSays() {
        String token = AdminApiAuthTest.admin(); // minted over loopback, which is admin
        Response r = remote().header("Authorization", "Bearer " + token).get("/who-am-i").then().statusCode(200).extract().response();
        assertThat(r.jsonPath().getString("name")).isEqualTo("alice");
        remote().header("Authorization", "Bearer " + token).contentType("application/yaml").body("type: Mesh\nname: remote-ok\n")
                .put("/meshes/remote-ok").then().statusCode(201);
        remote().header("Authorization", "Bearer " + token).delete("/meshes/remote-ok").then().statusCode(200);
    }

    @Test
    void loopbackStaysAdminAndHealthStaysOpen() {
        ReadyGlobal.await();
        assertThat(given().get("/who-am-i").then().statusCode(200).extract().jsonPath().getString("name")).isEqualTo("mesh-system:localhost");
        remote().get("/q/health/ready").then().statusCode(200);
        remote().get("/q/health/live").then().statusCode(200);
        given().baseUri("http://" + address).port(diagnostics.port()).get("/q/metrics").then().statusCode(200);
    }
}
