package health.ehr.events.records;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * A practitioner used audited emergency access to a patient's record; the patient is told. CloudEvents type
 * {@code ehr.records.EmergencyAccessUsed.v1}.
 */
public record EmergencyAccessUsed(
        UUID recordId,
        UUID patientId,
        UUID practitionerId,
        Instant grantedUntil,
        Instant at) implements EventData {

    public static final String TYPE = "ehr.records.EmergencyAccessUsed.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
