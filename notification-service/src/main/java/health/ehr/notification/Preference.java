package health.ehr.notification;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A party's mail preferences. */
@Entity
@Table(name = "preference")
public class Preference {
    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "party_id")
    public UUID partyId;

    /** False: no non-essential mail (appointments, reminders, shared records). */
    @Column(name = "email_enabled")
    public boolean emailEnabled;

    /** How many hours before an appointment the reminder mail goes out. */
    @Column(name = "reminder_lead_hours")
    public int reminderLeadHours;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
