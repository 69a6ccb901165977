package dev.ursa.global.events;

import java.util.List;

/** Change events exported to the in-process broker from the Postgres store (changes arrive through LISTEN/NOTIFY). */
public class PostgresKafkaEventsProfile extends KafkaEventsProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaBrokerResource.class), new TestResourceEntry(FreshDatabaseResource.class));
    }
}
