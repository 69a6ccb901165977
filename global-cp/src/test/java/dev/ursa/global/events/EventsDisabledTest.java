package dev.ursa.global.events;

import dev.ursa.global.ReadyGlobal;
import dev.ursa.cp.api.RestAssuredYaml;
import org.junit.jupiter.api.BeforeEach;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Without {@code ursa.events.kafka.bootstrap-servers} nothing of Kafka exists: no client, no thread, no metric, no check. */
@QuarkusTest
class EventsDisabledTest {
    @BeforeEach
    void failOnAny500() {
        RestAssuredYaml.enable();
    }

    @Inject
    EventExport export;

    @Inject
    jakarta.enterprise.event.Event<ZoneConnectivityChanged> zoneEvents;

    @Test
    void noPublisherNoKafkaThreadsAndReadyWithoutKafka() {
        given().contentType("application/json").body("{\"type\":\"Mesh\",\"name\":\"ev-off\"}").put("/meshes/ev-off").then().statusCode(201);
        zoneEvents.fire(new ZoneConnectivityChanged("zone-off", true, Instant.now()));

        assertThat(export.publisher()).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).map(Thread::getName)
                .noneMatch(n -> n.startsWith("kafka-producer") || n.equals("ursa-events-kafka"));
        ReadyGlobal.await();
        var ready = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        List<String> checks = ready.getList("checks.name");
        assertThat(checks).noneMatch(name -> name.toLowerCase().contains("kafka"));
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString()).doesNotContain("ursa_events_");
    }
}
