package health.ehr.appointment;

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

/** A patient's appointment on one of a practitioner's slots. */
@Entity
@Table(name = "appointment")
public class Appointment {

    /** The life cycle of an appointment (docs/api.md). */
    public enum Status { BOOKED, CANCELLED, COMPLETED, NO_SHOW }

    @Id
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "appointment_id")
    public UUID appointmentId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "slot_id")
    public UUID slotId;

    /** The slot while the appointment holds it, null once cancelled (unique: one live appointment per slot). */
    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "booked_slot_id")
    public UUID bookedSlotId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "patient_id")
    public UUID patientId;

    @JdbcTypeCode(SqlTypes.BINARY)
    @Column(name = "practitioner_id")
    public UUID practitionerId;

    @Column(name = "start_at")
    public Instant startAt;

    @Column(name = "end_at")
    public Instant endAt;

    @Column(name = "reason")
    public String reason;

    @Enumerated(EnumType.STRING)
    @Column(name = "status")
    public Status status;

    @Column(name = "cancel_reason")
    public String cancelReason;

    @Column(name = "cancelled_by")
    public String cancelledBy;

    @Column(name = "reminder_due_at")
    public Instant reminderDueAt;

    @Column(name = "reminder_sent_at")
    public Instant reminderSentAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
