package health.ehr.anchor.testing;

import health.ehr.events.CloudEvent;
import health.ehr.events.records.RecordErased;
import health.ehr.support.messaging.KafkaClients;
import health.ehr.support.testing.Poll;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Waits until the service's event consumer has joined its group and consumes: the first test of a
 * JVM can otherwise spend its deadline on the group's rebalance (observed: up to about 30 s on the
 * shared broker). Publishes one probe event (a RecordErased, which only the test's
 * {@code RecordingHandler} applies) and waits for its id in {@code processed_event}.
 */
public final class ConsumerWarmup {

    private static volatile boolean warm;

    private ConsumerWarmup() {
    }

    public static void ensure(KafkaClients clients, EntityManager em) throws Exception {
        if (warm) {
            return;
        }
        // A type only the test's per-event RecordingHandler applies: RecordStored goes to a batch handler that
        // is idempotent by its own key and leaves no processed_event row when it arrives with others.
        CloudEvent<RecordErased> probe = CloudEvent.of("/anchor-test-probe", new RecordErased(UUID.randomUUID(),
                UUID.randomUUID(), Instant.now()));
        try (EventBus bus = new EventBus(clients)) {
            bus.publish(probe);
        }
        Poll.until("the event consumer consumes", Duration.ofSeconds(120), () -> QuarkusTransaction.requiringNew()
                .call(() -> ((Number) em.createNativeQuery("SELECT COUNT(*) FROM processed_event WHERE event_id = ?1")
                        .setParameter(1, probe.id()).getSingleResult()).longValue() == 1));
        warm = true;
    }
}
