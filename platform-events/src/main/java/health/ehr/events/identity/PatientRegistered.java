package health.ehr.events.identity;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * A patient registered themselves; carries what notification-service needs to reach them. CloudEvents type
 * {@code ehr.identity.PatientRegistered.v1}.
 */
public record PatientRegistered(
        UUID patientId,
        String chainId,
        String controllerAddress,
        String email,
        String givenName,
        String familyName,
        Instant registeredAt) implements EventData {

    public static final String TYPE = "ehr.identity.PatientRegistered.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
