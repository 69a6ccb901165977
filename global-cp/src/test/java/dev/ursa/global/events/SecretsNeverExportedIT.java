package dev.ursa.global.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.cp.auth.TokenKeys;
import dev.ursa.cp.auth.TokenKind;
import dev.ursa.global.events.KafkaBrokerResource.InjectBroker;
import dev.ursa.global.events.TopicReader.Event;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Internal secrets (token signing keys, revocation lists, the KDS CA key) and mesh Secrets (sensitive: synced to zones,
 * never exported) never leave through the Kafka export or {@code GET /events}, also when they are created or changed after the exporter started; what zones need of them (the
 * published TokenTrust: public keys, revoked ids) does.
 */
@QuarkusTest
@TestProfile(KafkaEventsProfile.class)
class SecretsNeverExportedIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String MESH_SECRET_DATA = "bWVzaC1zZWNyZXQtb25l"; // "mesh-secret-one"
    private static final String MESH_SECRET_DATA_2 = "bWVzaC1zZWNyZXQtdHdv"; // "mesh-secret-two"
    private static final List<String> PRIVATE_JWK_PARAMS = List.of("d", "p", "q", "dp", "dq", "qi");

    @InjectBroker
    KafkaTestBroker broker;
    @Inject
    EventExport export;
    @Inject
    TokenKeys keys;
    @TestHTTPResource("/events")
    URI events;

    @BeforeEach
    void failOnAny500() {
        RestAssuredYaml.enable();
    }

    @Test
    void keysCreatedOrRotatedAfterTheExporterStartedAndRevocationsStayInside() throws Exception {
        List<String> feed = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> sse = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(events).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        Thread.ofVirtual().start(() -> sse.join().body().forEach(feed::add));
        // The subscription starts asynchronously: write until one write shows on it.
        int[] probes = {0};
        awaitTrue(() -> {
            if (feed.stream().anyMatch(l -> l.contains("sse-ready-"))) return true;
            if (probes[0]++ % 25 == 0) {
                String name = "sse-ready-" + probes[0];
                given().contentType(ContentType.JSON).body("{\"type\":\"Mesh\",\"name\":\"" + name + "\"}").put("/meshes/" + name).then().statusCode(201);
            }
            return false;
        }, "the /events subscription is live");

        // Created and changed while the exporter runs: a signing ring of a kind not used before, a rotation, a revocation.
        String userKid = keys.ring(TokenKind.USER).ring().current().kid();
        String newZoneKid = given().post("/tokens/zone/signing-keys/_rotate").then().statusCode(200).extract().path("kid");
        String token = given().contentType(ContentType.JSON).body("{\"zone\":\"zone-sec\",\"validFor\":\"1h\"}").post("/tokens/zone")
                .then().statusCode(200).extract().asString();
        given().contentType(ContentType.JSON).body("{\"token\":\"" + token + "\"}").post("/tokens/zone/revocations").then().statusCode(204);
        given().get("/kds/ca.pem").then().statusCode(200);
        // A mesh Secret: synced to zones, but never a change event (created, changed and deleted here).
        given().contentType(ContentType.JSON).body("{\"type\":\"Mesh\",\"name\":\"sec-mesh\"}").put("/meshes/sec-mesh").then().statusCode(201);
        for (String data : List.of(MESH_SECRET_DATA, MESH_SECRET_DATA_2)) {
            given().contentType(ContentType.JSON).body("{\"type\":\"Secret\",\"mesh\":\"sec-mesh\",\"name\":\"ca-cert\",\"data\":\"" + data + "\"}")
                    .put("/meshes/sec-mesh/secrets/ca-cert").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        }
        given().delete("/meshes/sec-mesh/secrets/ca-cert").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"type\":\"Mesh\",\"name\":\"sec-marker\"}").put("/meshes/sec-marker").then().statusCode(201);

        List<Event> exported;
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), KafkaTestBroker.TOPIC)) {
            reader.await(e -> e.key().equals("Mesh//sec-marker"), 1, DEADLINE, () -> export.publisher().orElseThrow().lag() == 0);
            exported = reader.await(e -> true, 0, DEADLINE, () -> true);
        }
        awaitTrue(() -> feed.stream().anyMatch(l -> l.contains("sec-marker")), "the marker on /events");
        sse.cancel(true);

        assertThat(exported).noneMatch(e -> e.text("type").equals("GlobalSecret") || e.key().startsWith("GlobalSecret"));
        for (Event e : exported) {
            String json = e.value().toString();
            assertThat(json).as(e.key()).doesNotContain("PRIVATE KEY").doesNotContain(token);
            for (JsonNode jwk : e.value().path("spec").path("keys")) {
                assertThat(PRIVATE_JWK_PARAMS).as("private RSA parameters in " + e.key()).noneMatch(jwk::has);
            }
        }
        // The feed did carry what changed after the exporter started, in its public form.
        assertThat(exported).anyMatch(e -> e.key().equals("TokenTrust//zone-tokens") && e.value().toString().contains(newZoneKid));
        assertThat(exported).anyMatch(e -> e.key().equals("TokenTrust//zone-tokens") && e.value().path("spec").path("revoked").size() > 0);
        assertThat(exported).noneMatch(e -> e.value().toString().contains(userKid));
        assertThat(feed).noneMatch(l -> l.contains("GlobalSecret"));
        assertThat(exported).noneMatch(e -> e.text("type").equals("Secret") || e.key().startsWith("Secret/"));
        assertThat(exported).allMatch(e -> !e.value().toString().contains(MESH_SECRET_DATA) && !e.value().toString().contains(MESH_SECRET_DATA_2));
        assertThat(feed).noneMatch(l -> l.contains("\"Secret\"") || l.contains("ca-cert") || l.contains(MESH_SECRET_DATA));
        // The Mesh around it did leave: the filter is by type, not by mesh.
        assertThat(exported).anyMatch(e -> e.key().equals("Mesh//sec-mesh"));
        assertThat(feed).anyMatch(l -> l.contains("TokenTrust"));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waiting for: " + what).isBefore(deadline);
            try {
                Thread.sleep(20); // polling interval of the condition, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
