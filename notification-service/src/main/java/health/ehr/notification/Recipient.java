package health.ehr.notification;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Where a party is reached: from identity events, or identity-service's internal API. */
@Entity
@Table(name = "recipient")
public class Recipient {
    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "party_id")
    public UUID partyId;

    @Column(name = "role")
    public String role;

    @Column(name = "email")
    public String email;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
