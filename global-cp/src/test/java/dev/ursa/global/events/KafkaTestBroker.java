package dev.ursa.global.events;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.List;
import java.util.Map;

/**
 * A real single-node KRaft cluster (combined broker + controller) in this JVM. The broker can be stopped and started
 * again on the same port ({@code KafkaClusterTestKit} keeps its listener port across restarts), which is how the tests
 * take Kafka away from a running control plane.
 */
public final class KafkaTestBroker implements AutoCloseable {
    public static final String TOPIC = "ursa.events";
    static final int PARTITIONS = 3;

    private final KafkaClusterTestKit cluster;

    private KafkaTestBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static KafkaTestBroker start() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        KafkaTestBroker broker = new KafkaTestBroker(cluster);
        broker.createTopic(TOPIC, PARTITIONS);
        return broker;
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    /** Stops the broker (the controller keeps running); clients see connection refused on its port. */
    public void stopBroker() {
        cluster.brokers().values().forEach(b -> b.shutdown());
    }

    /** Starts the broker again on the same port, with its data. */
    public void startBroker() throws Exception {
        cluster.brokers().values().forEach(b -> b.startup());
        cluster.waitForReadyBrokers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
