package health.ehr.events.appointments;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * An appointment was cancelled by its patient or practitioner; the slot is free again. CloudEvents type
 * {@code ehr.appointments.AppointmentCancelled.v1}.
 */
public record AppointmentCancelled(
        UUID appointmentId,
        UUID slotId,
        UUID patientId,
        UUID practitionerId,
        Instant start,
        Instant end,
        String cancelledByRole) implements EventData {

    public static final String TYPE = "ehr.appointments.AppointmentCancelled.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
