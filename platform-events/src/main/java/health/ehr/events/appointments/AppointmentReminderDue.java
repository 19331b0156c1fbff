package health.ehr.events.appointments;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * An appointment is within its reminder lead time; emitted once per appointment. CloudEvents type
 * {@code ehr.appointments.AppointmentReminderDue.v1}.
 */
public record AppointmentReminderDue(
        UUID appointmentId,
        UUID patientId,
        UUID practitionerId,
        Instant start,
        Instant end) implements EventData {

    public static final String TYPE = "ehr.appointments.AppointmentReminderDue.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
