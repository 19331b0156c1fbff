package health.ehr.events.consent;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * A consent grant reached the confirmation depth on chain and is active. CloudEvents type
 * {@code ehr.consent.ConsentGranted.v1}.
 */
public record ConsentGranted(
        UUID consentId,
        UUID patientId,
        UUID granteeId,
        ConsentScope scope,
        Instant expiresAt,
        String transactionHash,
        long blockNumber) implements EventData {

    public static final String TYPE = "ehr.consent.ConsentGranted.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
