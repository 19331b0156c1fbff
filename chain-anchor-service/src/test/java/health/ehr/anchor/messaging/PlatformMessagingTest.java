package health.ehr.anchor.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.Topics;
import health.ehr.events.records.RecordErased;
import health.ehr.support.messaging.KafkaClients;
import health.ehr.support.messaging.OutboxRelay;
import health.ehr.support.messaging.OutboxWriter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import health.ehr.anchor.testing.TestChain;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import health.ehr.anchor.testing.ConsumerWarmup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared messaging pieces against the real Kafka and MariaDB of the local stack: the outbox
 * relay publishes committed events keyed by patient and then deletes them (and sweeps the published
 * rows earlier versions kept), the consumer applies a redelivered event once and parks what it cannot
 * read in the DLQ.
 */
@QuarkusTest
@WithTestResource(TestChain.class)
class PlatformMessagingTest {

    // Generous: the shared topics carry other modules' test traffic, which this group consumes first.
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    OutboxWriter outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    KafkaClients clients;
    @Inject
    RecordingHandler handler;
    @Inject
    EntityManager em;

    private final EventCodec codec = new EventCodec();

    @BeforeEach
    void consumerReady() throws Exception {
        ConsumerWarmup.ensure(clients, em);
    }

    @Test
    void aCommittedOutboxEventIsPublishedKeyedByItsPatient() throws Exception {
        UUID patient = UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> reader = readerAtEnd(Topics.RECORDS)) {
            CloudEvent<RecordErased> event = QuarkusTransaction.requiringNew().call(() ->
                    outbox.append(new RecordErased(UUID.randomUUID(), patient, Instant.now())));

            ConsumerRecord<String, byte[]> published = await(reader, r -> new String(r.value(),
                    StandardCharsets.UTF_8).contains(event.id()));

            assertEquals(patient.toString(), published.key());
            assertEquals(event.id(), codec.read(published.value()).id());
            assertTrue(awaitTrue(() -> outboxRows(event.id()) == 0), "the row is deleted once Kafka has it");
        }
    }

    @Test
    void rowsAnOlderVersionKeptAsPublishedAreSwept() {
        // Earlier versions marked published rows (published_at) and kept them for ever.
        String kept = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("INSERT INTO outbox_event"
                        + " (event_id, topic, partition_key, event_type, payload, created_at, published_at)"
                        + " VALUES (?1, 'ehr.records.v1', 'k', 'ehr.records.RecordErased.v1', ?2, ?3, ?3)")
                .setParameter(1, OutboxWriter.bytes(UUID.fromString(kept)))
                .setParameter(2, "{\"id\":\"" + kept + "\"}")
                .setParameter(3, Instant.now().minusSeconds(3600))
                .executeUpdate());
        assertEquals(1, outboxRows(kept));

        assertTrue(relay.sweepPublished() >= 1);

        assertEquals(0, outboxRows(kept));
    }

    private long outboxRows(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COUNT(*) FROM outbox_event WHERE event_id = ?1")
                .setParameter(1, OutboxWriter.bytes(UUID.fromString(eventId))).getSingleResult()).longValue());
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() throws Exception {
        CloudEvent<RecordErased> event = CloudEvent.of("/test",
                new RecordErased(UUID.randomUUID(), UUID.randomUUID(), Instant.now()));
        byte[] bytes = codec.write(event);
        try (KafkaProducer<String, byte[]> producer = clients.producer("messaging-test")) {
            producer.send(new ProducerRecord<>(Topics.RECORDS, event.data().partitionKey(), bytes)).get();
            producer.send(new ProducerRecord<>(Topics.RECORDS, event.data().partitionKey(), bytes)).get();
        }

        assertTrue(awaitTrue(() -> handler.applied().contains(event.id())), "the event was applied");
        // The duplicate sits right behind the original in the same partition: give it time to arrive.
        Thread.sleep(1_500);
        assertEquals(1, handler.applied().stream().filter(event.id()::equals).count());
    }

    @Test
    void anUnreadableMessageIsParkedInTheDeadLetterQueueWithItsReason() throws Exception {
        String marker = "not-an-event-" + UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> dlq = readerAtEnd(Topics.dlq(Topics.RECORDS));
                KafkaProducer<String, byte[]> producer = clients.producer("messaging-test")) {
            producer.send(new ProducerRecord<>(Topics.RECORDS, "k", marker.getBytes(StandardCharsets.UTF_8))).get();

            ConsumerRecord<String, byte[]> parked = await(dlq, r -> new String(r.value(),
                    StandardCharsets.UTF_8).equals(marker));

            assertNotNull(parked.headers().lastHeader("ehr-dlq-reason"));
            assertTrue(new String(parked.headers().lastHeader("ehr-dlq-reason").value(), StandardCharsets.UTF_8)
                    .startsWith("not JSON"));
        }
    }

    private KafkaConsumer<String, byte[]> readerAtEnd(String topic) {
        KafkaConsumer<String, byte[]> reader = clients.consumer("reader-" + UUID.randomUUID(), "reader");
        ensureTopic(topic);
        List<TopicPartition> partitions = reader.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        reader.assign(partitions);
        reader.seekToEnd(partitions);
        partitions.forEach(reader::position);
        return reader;
    }

    private void ensureTopic(String topic) {
        // Auto-creation happens on first metadata request; a send makes sure the topic exists.
        try (KafkaProducer<String, byte[]> producer = clients.producer("topic-maker")) {
            producer.partitionsFor(topic);
        }
    }

    private static ConsumerRecord<String, byte[]> await(KafkaConsumer<String, byte[]> reader,
            Predicate<ConsumerRecord<String, byte[]>> match) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                if (match.test(r)) {
                    return r;
                }
            }
        }
        throw new AssertionError("no matching message within " + DEADLINE);
    }

    private static boolean awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
