package health.ehr.appointment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A practitioner's bookable time slot. */
@Entity
@Table(name = "slot")
public class Slot {
    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "slot_id")
    public UUID slotId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "practitioner_id")
    public UUID practitionerId;

    @Column(name = "start_at")
    public Instant startAt;

    @Column(name = "end_at")
    public Instant endAt;

    @Column(name = "available")
    public boolean available;

    @Column(name = "created_at")
    public Instant createdAt;
}
