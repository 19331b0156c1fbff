package health.ehr.anchor.testing;

import health.ehr.events.CloudEvent;
import health.ehr.events.records.RecordStored;
import health.ehr.support.messaging.KafkaClients;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Waits until the service's event consumer has joined its group and consumes: the first test of a
 * JVM can otherwise spend its deadline on the group's rebalance (observed: up to about 30 s on the
 * shared broker). Publishes one probe event from a source the handlers ignore and waits for its id
 * in {@code processed_event}.
 */
public final class ConsumerWarmup {

    private static volatile boolean warm;

    private ConsumerWarmup() {
    }

    public static void ensure(KafkaClients clients, EntityManager em) throws Exception {
        if (warm) {
            return;
        }
        CloudEvent<RecordStored> probe = CloudEvent.of("/anchor-test-probe", new RecordStored(UUID.randomUUID(),
                UUID.randomUUID(), UUID.randomUUID(), "0x" + "00".repeat(32), 0, "OTHER", Instant.now()));
        try (EventBus bus = new EventBus(clients)) {
            bus.publish(probe);
        }
        Poll.until("the event consumer consumes", Duration.ofSeconds(120), () -> QuarkusTransaction.requiringNew()
                .call(() -> ((Number) em.createNativeQuery("SELECT COUNT(*) FROM processed_event WHERE event_id = ?1")
                        .setParameter(1, probe.id()).getSingleResult()).longValue() == 1));
        warm = true;
    }
}
