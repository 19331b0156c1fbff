package health.ehr.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A party of the platform (patient, practitioner, clinic, admin, auditor) and its profile. */
@Entity
@Table(name = "party")
public class Party {
    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "party_id")
    public UUID partyId;

    @Column(name = "role")
    public String role;

    @Column(name = "email")
    public String email;

    @Column(name = "given_name")
    public String givenName;

    @Column(name = "family_name")
    public String familyName;

    @Column(name = "created_at")
    public Instant createdAt;
}
