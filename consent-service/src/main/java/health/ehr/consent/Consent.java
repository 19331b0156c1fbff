package health.ehr.consent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A patient's consent as mirrored from ConsentRegistry, or on its way there. */
@Entity
@Table(name = "consent")
public class Consent {
    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "consent_id")
    public UUID consentId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "patient_id")
    public UUID patientId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "grantee_id")
    public UUID granteeId;

    @JdbcTypeCode(SqlTypes.LONGVARCHAR)
    @Column(name = "scope")
    public String scope;

    @Column(name = "purpose")
    public String purpose;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "status")
    public String status;

    @Column(name = "transaction_hash")
    public String transactionHash;

    @Column(name = "block_number")
    public Long blockNumber;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
