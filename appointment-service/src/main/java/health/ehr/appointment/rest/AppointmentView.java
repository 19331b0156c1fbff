package health.ehr.appointment.rest;

import health.ehr.appointment.Appointment;
import java.time.Instant;
import java.util.UUID;

/** An appointment as the API shows it (docs/api.md {@code Appointment}). */
public record AppointmentView(UUID appointmentId, UUID slotId, UUID patientId, UUID practitionerId, Instant start,
        Instant end, String reason, String status) {

    static AppointmentView of(Appointment a) {
        return new AppointmentView(a.appointmentId, a.slotId, a.patientId, a.practitionerId, a.startAt, a.endAt,
                a.reason, a.status.name());
    }
}
