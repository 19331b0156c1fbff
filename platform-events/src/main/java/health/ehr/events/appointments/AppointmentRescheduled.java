package health.ehr.events.appointments;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/** An appointment moved to another slot. CloudEvents type {@code ehr.appointments.AppointmentRescheduled.v1}. */
public record AppointmentRescheduled(
        UUID appointmentId,
        UUID slotId,
        UUID patientId,
        UUID practitionerId,
        Instant previousStart,
        Instant start,
        Instant end) implements EventData {

    public static final String TYPE = "ehr.appointments.AppointmentRescheduled.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
