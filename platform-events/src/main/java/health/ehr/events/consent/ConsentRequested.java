package health.ehr.events.consent;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * A patient asked for a consent grant; it is on its way to the chain. CloudEvents type
 * {@code ehr.consent.ConsentRequested.v1}.
 */
public record ConsentRequested(
        UUID consentId,
        UUID patientId,
        UUID granteeId,
        ConsentScope scope,
        String purpose,
        Instant expiresAt) implements EventData {

    public static final String TYPE = "ehr.consent.ConsentRequested.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
