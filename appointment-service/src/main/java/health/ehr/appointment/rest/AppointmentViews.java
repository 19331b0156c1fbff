package health.ehr.appointment.rest;

import health.ehr.appointment.Appointment;
import health.ehr.appointment.Slot;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the appointment API answers (docs/api.md, Appointments). Bodies it reads: {@link AppointmentRequests}. */
public final class AppointmentViews {

    private AppointmentViews() {
    }

    /** A slot as the API shows it (docs/api.md {@code Slot}). */
    public record SlotView(UUID slotId, UUID practitionerId, Instant start, Instant end, boolean available) {

        static SlotView of(Slot s) {
            return new SlotView(s.slotId, s.practitionerId, s.startAt, s.endAt, s.available);
        }
    }

    /** The slots one request created. */
    public record SlotList(List<SlotView> items) {
    }

    /** An appointment as the API shows it (docs/api.md {@code Appointment}). */
    public record AppointmentView(UUID appointmentId, UUID slotId, UUID patientId, UUID practitionerId, Instant start,
            Instant end, String reason, String status) {

        static AppointmentView of(Appointment a) {
            return new AppointmentView(a.appointmentId, a.slotId, a.patientId, a.practitionerId, a.startAt, a.endAt,
                    a.reason, a.status.name());
        }
    }
}
