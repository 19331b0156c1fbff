package health.ehr.anchor;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A chain command taken from {@code ehr.chain.commands.v1}, relayed to the chain in arrival order per patient. */
@Entity
@Table(name = "chain_command")
public class ChainCommand {

    /** Received, not yet pre-flighted. */
    public static final String PENDING = "PENDING";
    /** Its transaction is persisted and on its way. */
    public static final String SUBMITTED = "SUBMITTED";
    /** Its transaction is final. */
    public static final String DONE = "DONE";
    /** Refused by the pre-flight or reverted: ChainTransactionFailed was published. */
    public static final String FAILED = "FAILED";

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "command_id")
    public UUID commandId;

    /** Arrival order (AUTO_INCREMENT). */
    @Column(name = "seq", insertable = false, updatable = false)
    public Long seq;

    /** {@code RegisterPatient}, {@code GrantConsent} or {@code RevokeConsent}. */
    @Column(name = "command_type")
    public String commandType;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "patient_id")
    public UUID patientId;

    /** The consent id, or the patient id for a registration. */
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "subject_id")
    public UUID subjectId;

    /** The command's payload as JSON. */
    @Column(name = "payload", columnDefinition = "LONGTEXT")
    public String payload;

    @Column(name = "status")
    public String status;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "chain_tx_id")
    public UUID chainTxId;

    @Column(name = "reason")
    public String reason;

    @Column(name = "received_at")
    public Instant receivedAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
