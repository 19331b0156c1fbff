package health.ehr.support.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Makes Kafka clients from the service's {@code kafka.*} configuration (the same settings the
 * readiness check uses): idempotent producers that wait for all replicas, and consumers that
 * commit only what was processed.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> config;

    @Inject
    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> config) {
        this.config = config;
    }

    /** A producer of string keys and JSON byte values. */
    public KafkaProducer<String, byte[]> producer(String clientId) {
        Map<String, Object> props = new HashMap<>(base());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** A consumer in {@code groupId} that starts at the earliest offset and never auto-commits. */
    public KafkaConsumer<String, byte[]> consumer(String groupId, String clientId) {
        return consumer(groupId, clientId, Map.of());
    }

    /**
     * Like {@link #consumer(String, String)}, with some consumer settings replaced (for example
     * {@code max.poll.records}); group, client id and commit mode cannot be replaced.
     */
    public KafkaConsumer<String, byte[]> consumer(String groupId, String clientId, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(base());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        props.putAll(overrides);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> base() {
        return new HashMap<>(config);
    }
}
