package dev.ursa.global.events;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/** The global CP with change events exported to an in-process KRaft broker; warnings after 1 s so tests see them quickly. */
public class KafkaEventsProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaBrokerResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ursa.events.kafka.warn-after", "1s");
    }
}
