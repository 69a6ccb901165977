package dev.ursa.zone.xds;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Self-registration from xDS node metadata ({@code dataplane.resource}) on the real zone app over real gRPC streams,
 * with the test profile's {@code ursa.xds.self-registration-grace=1s}.
 */
@QuarkusTest
@QuarkusTestResource(XdsTestPort.class)
class SelfRegistrationTest {
    static final String MESH = XdsTestPort.MESH;
    static final Duration GRACE = Duration.ofSeconds(1);

    @Inject
    XdsEngine engine;

    AdsTestClient ads;

    @BeforeEach
    void setUp() {
        RestAssuredYaml.enable();
        assertThat(given().contentType("application/yaml").body("type: Mesh\nname: " + MESH + "\n").put("/meshes/" + MESH).statusCode())
                .isIn(200, 201);
        ads = new AdsTestClient(XdsTestPort.port(), TestTokens.dataplane(MESH));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        ads.close();
    }

    static String dataplane(String name, String address, int port) {
        return """
                type: Dataplane
                mesh: %s
                name: %s
                networking:
                  address: %s
                  inbound:
                    - port: %d
                      tags:
                        kuma.io/service: %s
                """.formatted(MESH, name, address, port, name);
    }

    static Response get(String name) {
        return given().get("/meshes/" + MESH + "/dataplanes/" + name);
    }

    /** Opens an Envoy-flavour stream carrying its Dataplane in metadata and waits for its listeners. */
    AdsTestClient.SotwStream connect(String name, String dataplaneYaml) throws Exception {
        AdsTestClient.SotwStream s = ads.sotw(AdsTestClient.node(MESH + "." + name, Map.of(XdsEngine.DATAPLANE_METADATA_KEY, dataplaneYaml)));
        s.request(AdsTestClient.LDS, List.of());
        return s;
    }

    @Test
    void nodeMetadataRegistersTheDataplaneWhichLeavesOnlyAfterTheGraceOnceItsLastStreamClosed() throws Exception {
        // "twice" has two streams, "once" one; "apidp" was written through the API before it connected with metadata.
        var twice1 = connect("twice", dataplane("twice", "127.0.0.1", 7001));
        Await.until("the self-registered Dataplane is stored", Duration.ofSeconds(5), () -> get("twice").statusCode() == 200);
        assertThat(get("twice").jsonPath().getString("labels.'ursa.io/self-registered'")).isEqualTo("true");
        assertThat(AdsTestClient.listenerNames(twice1.next("listeners of twice", Duration.ofSeconds(5)))).contains("inbound:127.0.0.1:7001");
        var twice2 = connect("twice", dataplane("twice", "127.0.0.1", 7001));
        twice2.next("listeners of the second stream", Duration.ofSeconds(5));
        var once = connect("once", dataplane("once", "127.0.0.1", 7002));
        Await.until("once is stored", Duration.ofSeconds(5), () -> get("once").statusCode() == 200);

        assertThat(given().contentType("application/yaml").body(dataplane("apidp", "127.0.0.9", 7003)).put("/meshes/" + MESH + "/dataplanes/apidp")
                .statusCode()).isIn(200, 201);
        var api = connect("apidp", dataplane("apidp", "127.0.0.1", 7999));
        // The API's Dataplane wins. The zone's mirror lags the store by its debounce, so a node connecting right after the
        // API write may first get its metadata's config; the stored Dataplane stays the API's (checked below).
        Await.until("apidp gets the API's listener", Duration.ofSeconds(5), () -> {
            try {
                DiscoveryResponse r = api.next("listeners of apidp", Duration.ofSeconds(5));
                api.ack(r, List.of());
                return AdsTestClient.listenerNames(r).contains("inbound:127.0.0.9:7003");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("engine sees both streams of twice", Duration.ofSeconds(5),
                () -> engine.status(NodeId.parse(MESH + ".twice")).map(NodeStatus::streams).orElse(0) == 2);

        // Close one stream of "twice", and the only streams of "apidp" and then "once". The engine runs removals in
        // the order they were scheduled (same delay, one worker), so once "once" is gone any removal of "twice" or
        // "apidp" would have happened too.
        twice1.close();
        Await.until("engine sees one stream of twice", Duration.ofSeconds(5),
                () -> engine.status(NodeId.parse(MESH + ".twice")).map(NodeStatus::streams).orElse(0) == 1);
        api.close();
        Await.until("apidp disconnected", Duration.ofSeconds(5),
                () -> engine.status(NodeId.parse(MESH + ".apidp")).map(NodeStatus::streams).orElse(0) == 0);
        long closed = System.nanoTime();
        once.close();
        Await.until("once is removed after the grace", Duration.ofSeconds(10), () -> get("once").statusCode() == 404);
        Duration removedAfter = Duration.ofNanos(System.nanoTime() - closed);
        System.out.printf("[xds] self-registered Dataplane removed %d ms after its last stream closed (grace %s)%n", removedAfter.toMillis(), GRACE);
        assertThat(removedAfter).isGreaterThanOrEqualTo(GRACE);

        assertThat(get("twice").statusCode()).as("a node with an open stream keeps its Dataplane").isEqualTo(200);
        assertThat(get("apidp").statusCode()).as("a Dataplane written through the API is never removed by the zone").isEqualTo(200);
        assertThat(get("apidp").jsonPath().getString("networking.address")).isEqualTo("127.0.0.9");

        // Its last stream closed: "twice" leaves too.
        twice2.close();
        Await.until("twice is removed", Duration.ofSeconds(10), () -> get("twice").statusCode() == 404);
        given().delete("/meshes/" + MESH + "/dataplanes/apidp").then().statusCode(200);
    }

    @Test
    void aNodeThatReconnectsWithinTheGraceKeepsItsDataplane() throws Exception {
        var first = connect("back", dataplane("back", "127.0.0.1", 7004));
        first.next("listeners", Duration.ofSeconds(5));
        Await.until("back is stored", Duration.ofSeconds(5), () -> get("back").statusCode() == 200);
        first.close();
        var again = connect("back", dataplane("back", "127.0.0.1", 7004));
        again.next("listeners after reconnecting", Duration.ofSeconds(5));
        // Reference: a node that does not come back, disconnected after "back" reconnected.
        var gone = connect("gone", dataplane("gone", "127.0.0.1", 7005));
        gone.next("listeners of gone", Duration.ofSeconds(5));
        Await.until("gone is stored", Duration.ofSeconds(5), () -> get("gone").statusCode() == 200);
        gone.close();
        Await.until("gone is removed", Duration.ofSeconds(10), () -> get("gone").statusCode() == 404);
        assertThat(get("back").statusCode()).isEqualTo(200);
        again.close();
        Await.until("back is removed", Duration.ofSeconds(10), () -> get("back").statusCode() == 404);
    }

    @Test
    void invalidOrMismatchedMetadataDataplaneIsRefusedWithTheReason() throws Exception {
        var invalid = connect("bad", dataplane("bad", "not an address", 70000));
        Status status = invalid.awaitClosed(Duration.ofSeconds(5));
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("dataplane.resource").contains("networking.address").contains("networking.inbound[0].port");

        var mismatched = connect("bad", dataplane("other", "127.0.0.1", 7006));
        Status status2 = mismatched.awaitClosed(Duration.ofSeconds(5));
        assertThat(status2.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status2.getDescription()).contains("\"bad\"").contains("other");
        assertThat(get("bad").statusCode()).isEqualTo(404);
        assertThat(get("other").statusCode()).isEqualTo(404);
    }
}
