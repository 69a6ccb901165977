package dev.ursa.global.events;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/** Starts a {@link KafkaTestBroker} for a Quarkus test and points {@code ursa.events.kafka.bootstrap-servers} at it. */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {
    /** Marks a {@link KafkaTestBroker} field of the test to receive the running broker. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectBroker {
    }

    private KafkaTestBroker broker;

    @Override
    public Map<String, String> start() {
        try {
            broker = KafkaTestBroker.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-process Kafka broker", e);
        }
        return Map.of("ursa.events.kafka.bootstrap-servers", broker.bootstrapServers());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(broker, new TestInjector.AnnotatedAndMatchesType(InjectBroker.class, KafkaTestBroker.class));
    }

    @Override
    public void stop() {
        if (broker == null) return;
        try {
            broker.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the in-process Kafka broker", e);
        }
    }
}
