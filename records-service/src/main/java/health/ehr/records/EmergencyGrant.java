package health.ehr.records;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A practitioner's time-limited, audited emergency access to one record. */
@Entity
@Table(name = "emergency_grant")
public class EmergencyGrant {

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "grant_id")
    public UUID grantId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "record_id")
    public UUID recordId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "practitioner_id")
    public UUID practitionerId;

    @Column(name = "reason")
    public String reason;

    @Column(name = "granted_until")
    public Instant grantedUntil;

    @Column(name = "created_at")
    public Instant createdAt;
}
