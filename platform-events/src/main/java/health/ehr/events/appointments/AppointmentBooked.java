package health.ehr.events.appointments;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/** A patient booked a practitioner's slot. CloudEvents type {@code ehr.appointments.AppointmentBooked.v1}. */
public record AppointmentBooked(
        UUID appointmentId,
        UUID slotId,
        UUID patientId,
        UUID practitionerId,
        Instant start,
        Instant end) implements EventData {

    public static final String TYPE = "ehr.appointments.AppointmentBooked.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
