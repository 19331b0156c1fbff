package health.ehr.notification;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One e-mail to one recipient for one event, with its delivery state. */
@Entity
@Table(name = "delivery")
public class Delivery {
    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "delivery_id")
    public UUID deliveryId;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "recipient")
    public String recipient;

    @Column(name = "template")
    public String template;

    @Column(name = "status")
    public String status;

    @Column(name = "attempts")
    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "created_at")
    public Instant createdAt;
}
