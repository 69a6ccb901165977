package dev.ursa.global.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ursa.mesh.codec.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Reads a whole topic from the beginning with a real consumer (no group: partitions assigned directly). */
final class TopicReader implements AutoCloseable {
    record Event(String key, int partition, long offset, JsonNode value) {
        String text(String field) {
            return value.path(field).asText();
        }
    }

    private final KafkaConsumer<String, String> consumer;
    private final List<Event> seen = new ArrayList<>();

    TopicReader(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Polls until {@code count} events matching {@code filter} have been read (or the deadline passes), then waits for
     * {@code producerIdle} (the publisher holds no event it has not had acknowledged: its lag is 0) and reads on to the
     * end offsets the topic has at that moment. Every event the publisher wrote before going idle, surplus ones
     * (duplicates, extras) included, is then in what was read: no fixed tail is guessed. Returns the matching events in
     * partition order.
     */
    List<Event> await(Predicate<Event> filter, int count, Duration timeout, BooleanSupplier producerIdle) {
        Instant deadline = Instant.now().plus(timeout);
        while (matching(filter).size() < count && Instant.now().isBefore(deadline)) {
            poll(Duration.ofMillis(200));
        }
        while (!producerIdle.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("the publisher still has unacknowledged events after " + timeout);
            poll(Duration.ofMillis(50));
        }
        readToEnd(deadline);
        return matching(filter);
    }

    /** Reads until this consumer's position reaches the end offset every partition has now. */
    private void readToEnd(Instant deadline) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("topic not read to its end offsets " + end + " in time");
            poll(Duration.ofMillis(200));
        }
    }

    private List<Event> matching(Predicate<Event> filter) {
        return seen.stream().filter(filter).toList();
    }

    private void poll(Duration timeout) {
        for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
            try {
                seen.add(new Event(r.key(), r.partition(), r.offset(), Json.JSON.readTree(r.value())));
            } catch (IOException e) {
                throw new UncheckedIOException("event is not JSON: " + r.value(), e);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
