package health.ehr.support.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Appends events to the service's {@code outbox_event} table inside the caller's transaction, so
 * that an event exists exactly when the state change it announces was committed. The
 * {@link OutboxRelay} publishes them.
 */
@ApplicationScoped
public class OutboxWriter {

    private final EntityManager em;
    private final EventCodec codec;
    private final String source;

    public OutboxWriter(EntityManager em, MessagingSettings settings) {
        this.em = em;
        this.codec = new EventCodec();
        this.source = "/" + settings.serviceName();
    }

    /** Appends {@code data} as a new CloudEvent from this service; returns the event. */
    @Transactional(Transactional.TxType.MANDATORY)
    public <T extends EventData> CloudEvent<T> append(T data) {
        CloudEvent<T> event = CloudEvent.of(source, data);
        EventType type = EventType.of(data.getClass());
        em.createNativeQuery("INSERT INTO outbox_event (event_id, topic, partition_key, event_type, payload,"
                        + " created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .setParameter(1, bytes(UUID.fromString(event.id())))
                .setParameter(2, type.topic())
                .setParameter(3, data.partitionKey())
                .setParameter(4, type.type())
                .setParameter(5, new String(codec.write(event), StandardCharsets.UTF_8))
                .setParameter(6, Instant.now())
                .executeUpdate();
        return event;
    }

    static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array();
    }
}
