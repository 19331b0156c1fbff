package health.ehr.notification.testing;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.identity.PatientRegistered;
import health.ehr.events.identity.PractitionerRegistered;
import health.ehr.support.testing.LocalStack;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces platform CloudEvents to the real Kafka, as the other services would. */
public final class Events {

    private static final EventCodec CODEC = new EventCodec();
    private static KafkaProducer<String, byte[]> producer;

    private Events() {
    }

    private static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    LocalStack.env("EHR_KAFKA_BOOTSTRAP", "localhost:9092"), "acks", "all"),
                    new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** A new event from {@code source}. */
    public static <T extends EventData> CloudEvent<T> event(String source, T data) {
        return CloudEvent.of(source, data);
    }

    /** Sends an event (again, if it was sent before) and waits for Kafka's acknowledgement. */
    public static void send(CloudEvent<? extends EventData> event) {
        EventType type = EventType.fromType(event.type()).orElseThrow();
        try {
            producer().send(new ProducerRecord<>(type.topic(), event.data().partitionKey(), CODEC.write(event)))
                    .get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static <T extends EventData> CloudEvent<T> publish(String source, T data) {
        CloudEvent<T> event = event(source, data);
        send(event);
        return event;
    }

    /** A patient as identity-service announces one; returns the patient id. */
    public static UUID patient(String email) {
        UUID id = UUID.randomUUID();
        publish("/identity-service", new PatientRegistered(id, "0x" + "ab".repeat(32), "0x" + "cd".repeat(20), email,
                "Test", "Patient", Instant.now()));
        return id;
    }

    /** A practitioner as identity-service announces one; returns the practitioner id. */
    public static UUID practitioner(String email) {
        UUID id = UUID.randomUUID();
        publish("/identity-service", new PractitionerRegistered(id, email, "Test", "Doctor", "General practice",
                "Test Hospital", Instant.now()));
        return id;
    }
}
