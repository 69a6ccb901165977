package dev.ursa.global.events;

import dev.ursa.cp.api.RestAssuredYaml;
import dev.ursa.testsupport.Await;
import org.junit.jupiter.api.BeforeEach;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.global.events.KafkaBrokerResource.InjectBroker;
import dev.ursa.global.events.TopicReader.Event;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.codec.ResourceCodec;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.Precondition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Change events through a real in-process KRaft broker, written through the real REST API. */
@QuarkusTest
@TestProfile(KafkaEventsProfile.class)
class KafkaEventsIT {
    @BeforeEach
    void failOnAny500() {
        RestAssuredYaml.enable();
    }

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @InjectBroker
    KafkaTestBroker broker;

    @Inject
    EventExport export;

    @Inject
    MeterRegistry metrics;

    @Inject
    jakarta.enterprise.event.Event<ZoneConnectivityChanged> zoneEvents;

    @Test
    void thousandChangesGiveThousandEventsInPerKeyOrder() {
        String mesh = "ev-order";
        putMesh(mesh);
        int resources = 50;
        int changesPerResource = 20; // create, 18 updates, delete
        // Round-robin over resources so that keys interleave on every partition.
        for (int round = 0; round < changesPerResource; round++) {
            for (int i = 0; i < resources; i++) {
                String path = "/meshes/" + mesh + "/meshtimeouts/t" + i;
                if (round == changesPerResource - 1) {
                    given().delete(path).then().statusCode(200);
                } else {
                    given().contentType(ContentType.JSON).body(timeout(mesh, "t" + i, round + 1)).put(path)
                            .then().statusCode(round == 0 ? 201 : 200);
                }
            }
        }

        List<Event> events;
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), KafkaTestBroker.TOPIC)) {
            events = reader.await(e -> e.text("type").equals("MeshTimeout") && e.text("mesh").equals(mesh),
                    resources * changesPerResource, DEADLINE, idle(export.publisher().orElseThrow()));
        }

        assertThat(events).hasSize(1000);
        assertThat(events.stream().map(e -> e.text("id")).collect(Collectors.toSet())).hasSize(1000);
        Map<String, List<Event>> byKey = events.stream().collect(Collectors.groupingBy(Event::key, LinkedHashMap::new, Collectors.toList()));
        assertThat(byKey).hasSize(resources);
        List<String> expected = new ArrayList<>();
        expected.add("CREATED 1");
        for (int v = 2; v < changesPerResource; v++) expected.add("UPDATED " + v);
        expected.add("DELETED " + (changesPerResource - 1));
        int withSpec = 0;
        for (var entry : byKey.entrySet()) {
            List<Event> perKey = entry.getValue();
            assertThat(entry.getKey()).matches("MeshTimeout/ev-order/t\\d+");
            assertThat(perKey).allMatch(e -> entry.getKey().equals("MeshTimeout/" + mesh + "/" + e.text("name")));
            assertThat(perKey.stream().map(e -> e.text("kind") + " " + e.value().path("version").asLong()).toList())
                    .as("events of %s in order", entry.getKey()).isEqualTo(expected);
            for (Event e : perKey) {
                assertThat(e.value().path("schema").asInt()).isEqualTo(1);
                assertThat(Instant.parse(e.text("at"))).isBefore(Instant.now().plusSeconds(1));
                if (e.value().has("spec")) {
                    withSpec++;
                    // Each write set idleTimeout to "<version>s": the spec is the one of the event's version.
                    assertThat(e.value().at("/spec/to/0/default/idleTimeout").asText()).isEqualTo(e.value().path("version").asLong() + "s");
                    assertThat(e.value().path("superseded").asBoolean()).isFalse();
                }
            }
        }
        assertThat(withSpec).as("created/updated events carrying their spec").isPositive();
        assertThat(metrics.get("ursa.events.sent").counter().count()).isGreaterThanOrEqualTo(1000);
        assertThat(metrics.get("ursa.events.dropped").counter().count()).isZero();
        Await.until("lag back to 0", DEADLINE, () -> export.publisher().orElseThrow().lag() == 0);
        String prometheus = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(prometheus).contains("ursa_events_sent_total", "ursa_events_failed_total", "ursa_events_dropped_total", "ursa_events_lag");
    }

    @Test
    void brokerAwayWritesKeepGoingAndEventsArriveWhenItReturns() throws Exception {
        String mesh = "ev-outage";
        KafkaEventPublisher publisher = export.publisher().orElseThrow();
        WarnCapture warnings = WarnCapture.on(KafkaEventPublisher.class.getName());
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), KafkaTestBroker.TOPIC)) {
            putMesh(mesh);
            assertThat(reader.await(e -> e.key().equals("Mesh//" + mesh), 1, DEADLINE, idle(publisher))).hasSize(1);
            double droppedBefore = metrics.get("ursa.events.dropped").counter().count();

            broker.createTopic(LOSS_TOPIC, 1);
            broker.stopBroker();
            LossBoundProbe probe;
            int resources = 20;
            int versions = 10;
            try {
                // Kafka never sits on the write path. A write waiting on it would take the producer's max.block (5 s)
                // each: 200 of them at least 1000 s. The bound is ten times under that and far above what 200 writes
                // take on a loaded machine: a correctness bound, not a speed figure (speed: benchmarks/).
                Instant writesDeadline = Instant.now().plusSeconds(100);
                for (int v = 1; v <= versions; v++) {
                    for (int i = 0; i < resources; i++) {
                        given().contentType(ContentType.JSON).body(timeout(mesh, "o" + i, v)).put("/meshes/" + mesh + "/meshtimeouts/o" + i)
                                .then().statusCode(v == 1 ? 201 : 200);
                        assertThat(Instant.now()).as("writes while Kafka is away still done by").isBefore(writesDeadline);
                    }
                }
                // Every write returned while every one of its events is still unacknowledged: none waited for Kafka.
                assertThat(publisher.lag()).as("events waiting for Kafka when the last write returned").isGreaterThanOrEqualTo(resources * versions);
                Await.until("a WARN that Kafka is unreachable", DEADLINE, () -> warnings.count() >= 1);
                probe = LossBoundProbe.overflowWhileAway(broker.bootstrapServers());
            } finally {
                broker.startBroker();
            }

            List<Event> events = reader.await(e -> e.text("mesh").equals(mesh) && e.text("type").equals("MeshTimeout"),
                    resources * versions, DEADLINE, idle(publisher));
            Map<String, List<Long>> versionsByKey = events.stream().collect(Collectors.groupingBy(Event::key,
                    Collectors.mapping(e -> e.value().path("version").asLong(), Collectors.toList())));
            assertThat(versionsByKey).hasSize(resources);
            List<Long> expected = java.util.stream.LongStream.rangeClosed(1, versions).boxed().toList();
            versionsByKey.forEach((key, got) -> assertThat(got).as("versions of %s", key).isEqualTo(expected));
            assertThat(metrics.get("ursa.events.dropped").counter().count()).isEqualTo(droppedBefore);
            Await.until("lag back to 0", DEADLINE, () -> publisher.lag() == 0);
            // Rate-limited: about one per warn-after (1 s here) while away, never one per event.
            assertThat(warnings.count()).isLessThan(resources * versions / 4);
            probe.assertOnlyTheOldestWereLost();
        } finally {
            warnings.close();
        }
    }

    @Test
    void zoneTransitionsFiredAsCdiEventsArePublishedInOrder() {
        Instant online = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant offline = online.plusSeconds(3);
        zoneEvents.fire(new ZoneConnectivityChanged("zone-ev", true, online));
        zoneEvents.fire(new ZoneConnectivityChanged("zone-ev", false, offline));

        List<Event> events;
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), KafkaTestBroker.TOPIC)) {
            events = reader.await(e -> e.key().equals("ZoneConnectivity//zone-ev"), 2, DEADLINE, idle(export.publisher().orElseThrow()));
        }
        assertThat(events).hasSize(2);
        assertThat(events).allMatch(e -> e.text("event").equals("ZoneConnectivityChanged") && e.text("zone").equals("zone-ev"));
        assertThat(events.get(0).value().path("online").asBoolean()).isTrue();
        assertThat(Instant.parse(events.get(0).text("at"))).isEqualTo(online);
        assertThat(events.get(1).value().path("online").asBoolean()).isFalse();
        assertThat(Instant.parse(events.get(1).text("at"))).isEqualTo(offline);
    }

    /**
     * Two publishers on one change feed stand for two instances sharing a Postgres store (each receives every change
     * and publishes it). The documented consumer rule, dropping ids already seen, gives every change exactly once and
     * in per-key order.
     */
    @Test
    void twoInstancesPublishingTheSameFeedDedupeByIdInOrder() throws Exception {
        String topic = "ursa.events.dedupe";
        broker.createTopic(topic, KafkaTestBroker.PARTITIONS);
        InMemoryStore store = new InMemoryStore();
        List<KafkaEventPublisher> publishers = new ArrayList<>();
        List<AutoCloseable> subscriptions = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            KafkaEventPublisher p = new KafkaEventPublisher(store,
                    new KafkaProducer<>(EventExport.producerConfig(broker.bootstrapServers(), Map.of())),
                    topic, broker.bootstrapServers(), 1000, Duration.ofSeconds(10), new SimpleMeterRegistry()).start();
            publishers.add(p);
            subscriptions.add(store.changes().subscribe(p::onChange));
        }
        try {
            String mesh = "dup";
            put(store, "{\"type\":\"Mesh\",\"name\":\"" + mesh + "\"}");
            int resources = 10;
            int versions = 10;
            for (int v = 1; v <= versions; v++) {
                for (int i = 0; i < resources; i++) put(store, timeout(mesh, "d" + i, v));
            }
            int changes = 1 + resources * versions;

            List<Event> events;
            try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topic)) {
                events = reader.await(e -> true, 2 * changes, DEADLINE, () -> publishers.stream().allMatch(p -> p.lag() == 0));
            }
            assertThat(events).hasSize(2 * changes);
            Map<String, Long> copies = events.stream().collect(Collectors.groupingBy(e -> e.text("id"), Collectors.counting()));
            assertThat(copies).hasSize(changes).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(2L));

            Set<String> seen = new HashSet<>();
            Map<String, List<Long>> firstCopies = new LinkedHashMap<>();
            for (Event e : events) {
                if (seen.add(e.text("id"))) {
                    firstCopies.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.value().path("version").asLong());
                }
            }
            List<Long> expected = java.util.stream.LongStream.rangeClosed(1, versions).boxed().toList();
            assertThat(firstCopies).hasSize(resources + 1);
            firstCopies.forEach((key, got) -> {
                if (!key.startsWith("Mesh/")) assertThat(got).as("versions of %s after dedupe", key).isEqualTo(expected);
            });
        } finally {
            for (AutoCloseable s : subscriptions) s.close();
            publishers.forEach(KafkaEventPublisher::close);
        }
    }

    private static final String LOSS_TOPIC = "ursa.events.lossbound";

    /**
     * The loss bound, measured: a publisher with a 50-event buffer, created while the broker is away (so its producer
     * accepts nothing), receives 200 changes. Once the broker is back the topic must hold exactly the events not
     * counted as dropped: the newest 50, plus at most the one the sender was holding for retry, in order.
     */
    private record LossBoundProbe(InMemoryStore store, KafkaEventPublisher publisher, AutoCloseable subscription,
                                  SimpleMeterRegistry metrics, String bootstrapServers) {
        static final int BUFFER = 50;
        static final int CHANGES = 200;

        static LossBoundProbe overflowWhileAway(String bootstrapServers) throws Exception {
            InMemoryStore store = new InMemoryStore();
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            KafkaEventPublisher publisher = new KafkaEventPublisher(store,
                    new KafkaProducer<>(EventExport.producerConfig(bootstrapServers, Map.of())),
                    LOSS_TOPIC, bootstrapServers, BUFFER, Duration.ofSeconds(10), metrics).start();
            AutoCloseable subscription = store.changes().subscribe(publisher::onChange);
            put(store, "{\"type\":\"Mesh\",\"name\":\"loss\"}");
            for (int v = 1; v < CHANGES; v++) put(store, timeout("loss", "l", v));
            assertThat(metrics.get("ursa.events.dropped").counter().count() + publisher.lag())
                    .as("every change is either waiting or counted as dropped").isEqualTo(CHANGES);
            return new LossBoundProbe(store, publisher, subscription, metrics, bootstrapServers);
        }

        void assertOnlyTheOldestWereLost() throws Exception {
            try {
                Await.until("loss probe delivered", DEADLINE, () -> publisher.lag() == 0);
                int dropped = (int) metrics.get("ursa.events.dropped").counter().count();
                assertThat(dropped).isBetween(CHANGES - BUFFER - 1, CHANGES - BUFFER);
                List<Event> events;
                try (TopicReader reader = new TopicReader(bootstrapServers, LOSS_TOPIC)) {
                    events = reader.await(e -> true, CHANGES - dropped, DEADLINE, idle(publisher));
                }
                assertThat(events).hasSize(CHANGES - dropped);
                // The newest BUFFER changes (MeshTimeout versions 150..199) arrive, in order, after whatever was held.
                List<Long> newest = events.subList(events.size() - BUFFER, events.size()).stream()
                        .map(e -> e.value().path("version").asLong()).toList();
                assertThat(newest).isEqualTo(java.util.stream.LongStream.range(CHANGES - BUFFER, CHANGES).boxed().toList());
            } finally {
                subscription.close();
                publisher.close();
            }
        }
    }

    /** The publisher has every event it accepted acknowledged by Kafka (nothing buffered, held or in flight). */
    private static BooleanSupplier idle(KafkaEventPublisher publisher) {
        return () -> publisher.lag() == 0;
    }

    private static void putMesh(String mesh) {
        given().contentType(ContentType.JSON).body("{\"type\":\"Mesh\",\"name\":\"" + mesh + "\"}").put("/meshes/" + mesh)
                .then().statusCode(201);
    }

    /** A MeshTimeout whose idleTimeout encodes the version this write produces ("<version>s"). */
    private static String timeout(String mesh, String name, int version) {
        return """
                {"type":"MeshTimeout","mesh":"%s","name":"%s","spec":{"targetRef":{"kind":"Mesh"},
                 "to":[{"targetRef":{"kind":"Mesh"},"default":{"idleTimeout":"%ds"}}]}}""".formatted(mesh, name, version);
    }

    private static void put(InMemoryStore store, String json) throws Exception {
        JsonNode node = Json.JSON.readTree(json);
        store.put(ResourceCodec.decode(node), Precondition.ANY).toCompletableFuture().get();
    }

    /** Counts WARN-or-worse records of one logger (JUL handler; Quarkus routes JBoss logging through JUL). */
    private static final class WarnCapture extends Handler implements AutoCloseable {
        private final Logger logger;
        private final List<LogRecord> records = new CopyOnWriteArrayList<>();

        private WarnCapture(Logger logger) {
            this.logger = logger;
        }

        static WarnCapture on(String name) {
            WarnCapture capture = new WarnCapture(Logger.getLogger(name));
            capture.logger.addHandler(capture);
            return capture;
        }

        int count() {
            return (int) records.stream().filter(r -> String.valueOf(r.getMessage()).contains("unreachable")).count();
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
