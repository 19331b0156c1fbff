package health.ehr.events.consent;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/** A consent passed its expiry. CloudEvents type {@code ehr.consent.ConsentExpired.v1}. */
public record ConsentExpired(
        UUID consentId,
        UUID patientId,
        UUID granteeId,
        Instant expiredAt) implements EventData {

    public static final String TYPE = "ehr.consent.ConsentExpired.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
