package dev.ursa.global.events;

import dev.ursa.cp.api.RestAssuredYaml;
import org.junit.jupiter.api.BeforeEach;
import dev.ursa.global.events.KafkaBrokerResource.InjectBroker;
import dev.ursa.global.events.TopicReader.Event;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** With the Postgres store the feed is LISTEN/NOTIFY and the spec is read back through Hibernate Reactive. */
@QuarkusTest
@TestProfile(PostgresKafkaEventsProfile.class)
class PostgresKafkaEventsIT {
    @BeforeEach
    void failOnAny500() {
        RestAssuredYaml.enable();
    }

    @InjectBroker
    KafkaTestBroker broker;

    @Inject
    ResourceStore store;

    @Inject
    EventExport export;

    @Test
    void changesOnThePostgresStoreArriveInOrderWithTheirSpec() throws Exception {
        String mesh = "ev-pg";
        given().contentType(ContentType.JSON).body("{\"type\":\"Mesh\",\"name\":\"" + mesh + "\"}").put("/meshes/" + mesh)
                .then().statusCode(201);
        for (int v = 1; v <= 3; v++) {
            for (int i = 0; i < 5; i++) {
                given().contentType(ContentType.JSON).body("""
                        {"type":"MeshTimeout","mesh":"%s","name":"p%d","spec":{"targetRef":{"kind":"Mesh"},
                         "to":[{"targetRef":{"kind":"Mesh"},"default":{"idleTimeout":"%ds"}}]}}""".formatted(mesh, i, v))
                        .put("/meshes/" + mesh + "/meshtimeouts/p" + i).then().statusCode(v == 1 ? 201 : 200);
            }
        }
        // Zone-labelled resources reach the global over KDS, not REST: write one straight into the store.
        Resource synced = ResourceCodec.decode(Json.JSON.readTree("""
                {"type":"MeshTimeout","mesh":"%s","name":"from-east","labels":{"kuma.io/zone":"east"},
                 "spec":{"targetRef":{"kind":"Mesh"},"to":[{"targetRef":{"kind":"Mesh"},"default":{"idleTimeout":"1s"}}]}}""".formatted(mesh)));
        store.put(synced, Precondition.ABSENT).toCompletableFuture().get();

        List<Event> events;
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), KafkaTestBroker.TOPIC)) {
            // Seen on the topic before anything else touches it, so it was read in time: state and origin zone included.
            BooleanSupplier idle = () -> export.publisher().orElseThrow().lag() == 0;
            List<Event> fromEast = reader.await(e -> e.key().equals("MeshTimeout/" + mesh + "/from-east"), 1, Duration.ofSeconds(60), idle);
            assertThat(fromEast).hasSize(1);
            assertThat(fromEast.get(0).text("kind")).isEqualTo("CREATED");
            assertThat(fromEast.get(0).text("zone")).isEqualTo("east");
            assertThat(fromEast.get(0).value().at("/labels/kuma.io~1zone").asText()).isEqualTo("east");

            given().delete("/meshes/" + mesh).then().statusCode(200);
            events = reader.await(e -> e.text("mesh").equals(mesh) && e.text("type").equals("MeshTimeout")
                    && !e.text("name").equals("from-east"), 20, Duration.ofSeconds(60), idle);
        }
        // Deleting the mesh deletes its policies: each key ends with a DELETED event of version 3.
        Map<String, List<String>> byKey = events.stream().collect(Collectors.groupingBy(Event::key,
                Collectors.mapping(e -> e.text("kind") + " " + e.value().path("version").asLong(), Collectors.toList())));
        assertThat(byKey).hasSize(5).allSatisfy((key, got) ->
                assertThat(got).as(key).containsExactly("CREATED 1", "UPDATED 2", "UPDATED 3", "DELETED 3"));
        List<Event> withSpec = events.stream().filter(e -> e.value().has("spec")).toList();
        assertThat(withSpec).isNotEmpty().allSatisfy(e -> {
            assertThat(e.value().at("/spec/to/0/default/idleTimeout").asText()).isEqualTo(e.value().path("version").asLong() + "s");
            assertThat(e.value().has("zone")).isFalse();
        });
    }
}
