package dev.ursa.global.events;

import java.util.Map;
import java.util.List;
import dev.ursa.mesh.resources.GlobalSecretSpec;
import dev.ursa.mesh.model.Meta;
import dev.ursa.mesh.model.ResourceTypes;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import dev.ursa.mesh.model.Resource;
import dev.ursa.mesh.model.ResourceKey;
import dev.ursa.mesh.store.ChangeEvent;
import dev.ursa.mesh.store.ChangeFeed;
import dev.ursa.mesh.store.ChangeKind;
import dev.ursa.mesh.store.InMemoryStore;
import dev.ursa.mesh.store.ListQuery;
import dev.ursa.mesh.store.Page;
import dev.ursa.mesh.store.Precondition;
import dev.ursa.mesh.store.ResourceStore;
import dev.ursa.mesh.store.StoreException;
import dev.ursa.mesh.store.WriteResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Publisher behaviour that needs no broker (the Kafka client's MockProducer stands in for it). */
class KafkaEventPublisherTest {
    @Test
    void aStoreThatCannotBeReadDelaysTheEventThenItGoesOutWithoutState() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        ResourceStore unreadable = new FailingReads(reads);
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(unreadable, producer, "t", "mock:9092", 10,
                Duration.ofSeconds(10), metrics).start()) {
            publisher.onChange(new ChangeEvent(new ResourceKey("MeshTimeout", "m", "a"), ChangeKind.CREATED, 1, Instant.EPOCH));

            Instant deadline = Instant.now().plusSeconds(30);
            while (producer.history().isEmpty()) {
                assertThat(Instant.now()).as("event published").isBefore(deadline);
                Thread.sleep(20); // polling interval of the condition
            }
            assertThat(reads.get()).isEqualTo(3);
            JsonNode event = Json.JSON.readTree(producer.history().getFirst().value());
            assertThat(event.path("kind").asText()).isEqualTo("CREATED");
            assertThat(event.path("superseded").asBoolean()).isTrue();
            assertThat(event.has("spec")).isFalse();
            assertThat(publisher.lag()).isZero();
            assertThat(metrics.get("ursa.events.sent").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void internalSecretsNeverLeaveWhileEveryOtherChangeDoes() throws Exception {
        InMemoryStore store = new InMemoryStore();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(store, producer, "t", "mock:9092", 10,
                Duration.ofSeconds(10), new SimpleMeterRegistry()).start()) {
            store.changes().subscribe(publisher::onChange); // as the export wires it: the store's own feed
            // Created after the exporter started, as a first start or a key rotation would: the signing key, then a revocation.
            String secret = "c2lnbmluZy1rZXktbWF0ZXJpYWw=";
            for (String name : List.of("zone-token-signing-key-1", "zone-token-revocations")) {
                store.put(new Resource(ResourceTypes.GLOBAL_SECRET, Meta.fresh("", name, Map.of()), new GlobalSecretSpec(secret)),
                        Precondition.ANY).toCompletableFuture().join();
            }
            store.put(dev.ursa.mesh.codec.ResourceCodec.decode(Json.JSON.readTree("{\"type\":\"Mesh\",\"name\":\"after-secrets\"}")),
                    Precondition.ANY).toCompletableFuture().join();

            Instant deadline = Instant.now().plusSeconds(30);
            while (producer.history().isEmpty()) {
                assertThat(Instant.now()).as("the Mesh change published").isBefore(deadline);
                Thread.sleep(20); // polling interval of the condition
            }
            // The feed delivers in order and the publisher sends in order: everything before the Mesh has been decided.
            assertThat(producer.history()).extracting(r -> r.key()).containsExactly("Mesh//after-secrets");
            assertThat(producer.history()).allSatisfy(r -> assertThat(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                    .doesNotContain(secret).doesNotContain("GlobalSecret"));
        }
    }

    /** A store whose reads always fail as an unreachable database would. */
    private record FailingReads(AtomicInteger reads, InMemoryStore delegate) implements ResourceStore {
        FailingReads(AtomicInteger reads) {
            this(reads, new InMemoryStore());
        }

        @Override
        public CompletionStage<Optional<Resource>> get(ResourceKey key) {
            reads.incrementAndGet();
            return CompletableFuture.failedFuture(new StoreException.Unavailable("database away", null));
        }

        @Override
        public CompletionStage<Page> list(ListQuery query) {
            return delegate.list(query);
        }

        @Override
        public CompletionStage<WriteResult> put(Resource resource, Precondition precondition) {
            return delegate.put(resource, precondition);
        }

        @Override
        public CompletionStage<Resource> delete(ResourceKey key, Precondition precondition) {
            return delegate.delete(key, precondition);
        }

        @Override
        public ChangeFeed changes() {
            return delegate.changes();
        }
    }
}
