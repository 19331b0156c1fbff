package health.ehr.anchor.testing;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.support.messaging.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Publishes platform events to the local stack's Kafka and reads a topic from its end, for tests. */
public final class EventBus implements AutoCloseable {

    private final KafkaClients clients;
    private final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    public EventBus(KafkaClients clients) {
        this.clients = clients;
        this.producer = clients.producer("anchor-test-" + UUID.randomUUID());
    }

    /** Publishes a new event carrying {@code data}; returns it. */
    public <T extends EventData> CloudEvent<T> publish(T data) throws Exception {
        CloudEvent<T> event = CloudEvent.of("/anchor-test", data);
        publish(event);
        return event;
    }

    /** Publishes exactly this event (again, for redelivery tests). */
    public void publish(CloudEvent<?> event) throws Exception {
        EventData data = (EventData) event.data();
        producer.send(new ProducerRecord<>(EventType.of(data.getClass()).topic(), data.partitionKey(),
                codec.write(event))).get();
    }

    /** Publishes raw bytes to a topic. */
    public void publishRaw(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    /** A reader positioned at the current end of {@code topic}. */
    public Reader readerAtEnd(String topic) {
        return new Reader(clients, topic);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /**
     * Reads one topic from where it was opened. It skips what the running platform's
     * chain-anchor-service publishes: that one consumes the tests' events too and answers them on the
     * same topics (the service under test publishes as {@code /chain-anchor-service-test}).
     */
    public static final class Reader implements AutoCloseable {
        private static final String PLATFORM_SOURCE = "/chain-anchor-service";
        private final KafkaConsumer<String, byte[]> consumer;
        private final EventCodec codec = new EventCodec();

        Reader(KafkaClients clients, String topic) {
            consumer = clients.consumer("anchor-test-reader-" + UUID.randomUUID(), "anchor-test-reader");
            try (KafkaProducer<String, byte[]> maker = clients.producer("anchor-test-topic-maker")) {
                maker.partitionsFor(topic);
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        }

        /** Events matching {@code match} until {@code count} were seen or the deadline passed. */
        public List<CloudEvent<EventData>> await(Predicate<CloudEvent<EventData>> match, int count, Duration deadline) {
            List<CloudEvent<EventData>> found = new ArrayList<>();
            long end = System.nanoTime() + deadline.toNanos();
            while (found.size() < count && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        CloudEvent<EventData> event = codec.read(r.value());
                        if (!PLATFORM_SOURCE.equals(event.source()) && match.test(event)) {
                            found.add(event);
                        }
                    } catch (RuntimeException notAnEvent) {
                        // other producers' junk
                    }
                }
            }
            return found;
        }

        /** Raw records matching {@code match} within the deadline. */
        public ConsumerRecord<String, byte[]> awaitRaw(Predicate<ConsumerRecord<String, byte[]>> match,
                Duration deadline) {
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        return r;
                    }
                }
            }
            throw new AssertionError("no matching record within " + deadline);
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
