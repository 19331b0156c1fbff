package health.ehr.support.messaging;

import health.ehr.events.CloudEvent;
import health.ehr.events.EventCodec;
import health.ehr.events.EventData;
import health.ehr.events.EventType;
import health.ehr.events.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Calendar;
import java.util.TimeZone;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Appends events to the service's {@code outbox_event} table inside the caller's transaction, so
 * that an event exists exactly when the state change it announces was committed. The
 * {@link OutboxRelay} publishes them.
 */
@ApplicationScoped
public class OutboxWriter {

    private static final String INSERT = "INSERT INTO outbox_event (event_id, topic, partition_key, event_type,"
            + " payload, created_at) VALUES (?, ?, ?, ?, ?, ?)";
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private final EntityManager em;
    private final EventCodec codec;
    private final String source;

    public OutboxWriter(EntityManager em, MessagingSettings settings) {
        this.em = em;
        this.codec = new EventCodec();
        this.source = "/" + settings.serviceName();
    }

    /**
     * Appends {@code data} as a new CloudEvent from this service, in the caller's JTA transaction;
     * returns the event. The entity manager's pending changes are flushed first, as a native query
     * would (a constraint they break surfaces here, not at commit), then the row goes in through the
     * transaction's own connection.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public <T extends EventData> CloudEvent<T> append(T data) {
        em.flush();
        return em.unwrap(Session.class).doReturningWork(connection -> append(connection, data));
    }

    /**
     * Appends {@code data} through a plain JDBC connection, inside the transaction the caller runs on
     * it (for hot paths that write without an entity manager); returns the event.
     */
    public <T extends EventData> CloudEvent<T> append(Connection connection, T data) throws SQLException {
        CloudEvent<T> event = CloudEvent.of(source, data);
        EventType type = EventType.of(data.getClass());
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setBytes(1, Ids.bytes(UUID.fromString(event.id())));
            insert.setString(2, type.topic());
            insert.setString(3, data.partitionKey());
            insert.setString(4, type.type());
            insert.setString(5, new String(codec.write(event), StandardCharsets.UTF_8));
            // As Hibernate binds an Instant to MySQL: a DATETIME in UTC, whatever the JVM's zone.
            insert.setTimestamp(6, Timestamp.from(Instant.now()), Calendar.getInstance(UTC));
            insert.executeUpdate();
        }
        return event;
    }

    /**
     * A UUID as the 16 bytes of a {@code BINARY(16)} column.
     *
     * @deprecated use {@link Ids#bytes}; kept only while chain-anchor-service's tests still call it
     */
    @Deprecated(forRemoval = true)
    public static byte[] bytes(UUID id) {
        return Ids.bytes(id);
    }
}
