package health.ehr.notification;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
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

    /** Where a delivery stands. */
    public enum Status { PENDING, SENDING, SENT, PARKED, SKIPPED }

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "delivery_id")
    public UUID deliveryId;

    @Column(name = "event_id")
    public String eventId;

    /** The party the mail is for (with {@code eventId} the unique key). */
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "party_id")
    public UUID partyId;

    /** The e-mail address, once known. */
    @Column(name = "recipient")
    public String recipient;

    @Column(name = "template")
    public String template;

    /** Security-relevant mail, sent even to parties who opted out. */
    @Column(name = "essential")
    public boolean essential;

    /** The template's values as JSON: times and links only, never medical content. */
    @Column(name = "model")
    public String model;

    @Enumerated(EnumType.STRING)
    @Column(name = "status")
    public Status status;

    @Column(name = "attempts")
    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "created_at")
    public Instant createdAt;
}
