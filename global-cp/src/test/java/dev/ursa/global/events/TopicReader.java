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
     * Polls until {@code count} events matching {@code filter} have been read (or the deadline passes), then reads on
     * briefly so that surplus events (duplicates, extras) would be seen too. Returns the matching events in partition order.
     */
    List<Event> await(Predicate<Event> filter, int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (matching(filter).size() < count && Instant.now().isBefore(deadline)) {
            poll(Duration.ofMillis(200));
        }
        poll(Duration.ofMillis(300));
        return matching(filter);
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
