package health.ehr.appointment.repository;

import health.ehr.appointment.Appointment;
import health.ehr.events.Ids;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes {@link Appointment} rows. */
@ApplicationScoped
public class AppointmentRepository implements PanacheRepositoryBase<Appointment, UUID> {

    /** The appointment if {@code partyId} is its patient or its practitioner, locked for update. */
    public Optional<Appointment> findOwnForUpdate(UUID appointmentId, UUID partyId) {
        // Native: Hibernate's MySQL 8 dialect writes "FOR UPDATE OF alias", which MariaDB refuses.
        @SuppressWarnings("unchecked")
        List<Appointment> rows = getEntityManager().createNativeQuery("SELECT * FROM appointment"
                        + " WHERE appointment_id = ?1 AND (patient_id = ?2 OR practitioner_id = ?2) FOR UPDATE",
                        Appointment.class)
                .setParameter(1, Ids.bytes(appointmentId)).setParameter(2, Ids.bytes(partyId))
                .getResultList();
        return rows.stream().findFirst();
    }

    /** Whether the patient holds a live appointment overlapping [start, end), other than {@code except}. */
    public boolean patientHasOverlap(UUID patientId, Instant start, Instant end, UUID except) {
        return count("patientId = ?1 and status = ?2 and startAt < ?3 and endAt > ?4 and appointmentId <> ?5",
                patientId, Appointment.Status.BOOKED, end, start,
                except == null ? new UUID(0, 0) : except) > 0;
    }

    /** Ids of due, unsent reminders, locked; rows another replica holds are skipped. */
    @SuppressWarnings("unchecked")
    public List<byte[]> lockDueReminders(Instant now, int limit) {
        return getEntityManager().createNativeQuery("SELECT appointment_id FROM appointment"
                        + " WHERE status = 'BOOKED' AND reminder_sent_at IS NULL AND reminder_due_at <= ?1"
                        + " AND start_at > ?1 ORDER BY reminder_due_at LIMIT " + limit + " FOR UPDATE SKIP LOCKED")
                .setParameter(1, now).getResultList();
    }

    /** Marks a reminder sent unless it already is; 1 when this call won the claim. */
    public int claimReminder(UUID appointmentId, Instant now) {
        return update("reminderSentAt = ?1 where appointmentId = ?2 and reminderSentAt is null", now, appointmentId);
    }
}
