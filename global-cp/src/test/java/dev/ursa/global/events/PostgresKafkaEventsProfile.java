package dev.ursa.global.events;

import dev.ursa.global.store.PostgresTestProfile;

import java.util.HashMap;
import java.util.Map;

/** Change events exported to the in-process broker from the Postgres store (changes arrive through LISTEN/NOTIFY). */
public class PostgresKafkaEventsProfile extends KafkaEventsProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new PostgresTestProfile().getConfigOverrides());
        config.putAll(super.getConfigOverrides());
        return config;
    }
}
