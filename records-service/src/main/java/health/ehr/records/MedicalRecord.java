package health.ehr.records;

import jakarta.persistence.Column;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A medical record's metadata; its content is encrypted in object storage. */
@Entity
@Table(name = "record")
public class MedicalRecord {
    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "record_id")
    public UUID recordId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "patient_id")
    public UUID patientId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "author_id")
    public UUID authorId;

    @Column(name = "category")
    public String category;

    @Column(name = "title")
    public String title;

    @Column(name = "description")
    public String description;

    @Column(name = "content_type")
    public String contentType;

    /** The uploaded file's name, sanitised: no path separators, no control characters. */
    @Column(name = "file_name")
    public String fileName;

    @Column(name = "size")
    public long size;

    @Column(name = "sha256")
    public String sha256;

    @Enumerated(EnumType.STRING)
    @Column(name = "anchor_status")
    public AnchorStatus anchorStatus;

    /** The record's streaming-AEAD keyset, wrapped by key-encryption key {@link #kekId}; null once erased. */
    @Column(name = "wrapped_key")
    public byte[] wrappedKey;

    @Column(name = "kek_id")
    public String kekId;

    @Column(name = "created_at")
    public Instant createdAt;

    /** When the record was crypto-shredded; null while it exists. */
    @Column(name = "erased_at")
    public Instant erasedAt;
}
