package health.ehr.records;

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

/** One read of a patient's record by someone else; append-only and hash-chained per patient. */
@Entity
@Table(name = "access_log")
public class AccessLogEntry {

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "entry_id")
    public UUID entryId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "patient_id")
    public UUID patientId;

    /** Position in the patient's chain, from 1. */
    @Column(name = "seq")
    public long seq;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "record_id")
    public UUID recordId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "actor_id")
    public UUID actorId;

    @Column(name = "actor_role")
    public String actorRole;

    @Enumerated(EnumType.STRING)
    @Column(name = "action")
    public AccessAction action;

    @Column(name = "purpose")
    public String purpose;

    @Column(name = "emergency")
    public boolean emergency;

    @Column(name = "at")
    public Instant at;

    @Column(name = "prev_hash")
    public String prevHash;

    /** sha256(prevHash || the entry's canonical fields), 0x hex. */
    @Column(name = "hash")
    public String hash;
}
