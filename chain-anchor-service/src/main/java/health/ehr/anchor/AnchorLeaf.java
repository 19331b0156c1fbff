package health.ehr.anchor;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One thing to anchor: a stored record ({@code RECORD}) or a sealed access-log head
 * ({@code AUDIT_HEAD}), keyed by its id so that it enters exactly one batch.
 */
@Entity
@Table(name = "anchor_leaf")
public class AnchorLeaf {

    public static final String RECORD = "RECORD";
    public static final String AUDIT_HEAD = "AUDIT_HEAD";

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "record_id")
    public UUID recordId;

    @Column(name = "kind")
    public String kind;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "patient_id")
    public UUID patientId;

    /** The SHA-256 of the content (or the access-log head hash), 0x hex. */
    @Column(name = "content_hash")
    public String contentHash;

    /** {@code sha256(0x00 || id || contentHash)}, 0x hex. */
    @Column(name = "leaf")
    public String leaf;

    /** When the event that brought it happened (for the event-to-anchored latency). */
    @Column(name = "event_time")
    public Instant eventTime;

    @Column(name = "received_at")
    public Instant receivedAt;

    /** The batch it was closed into; null while pending. */
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "batch_id")
    public UUID batchId;
}
