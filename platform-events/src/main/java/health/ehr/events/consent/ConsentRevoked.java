package health.ehr.events.consent;

import health.ehr.events.EventData;
import java.util.UUID;

/**
 * A consent revocation reached the confirmation depth on chain. CloudEvents type {@code ehr.consent.ConsentRevoked.v1}.
 * {@code granteeOrganizationId} as in {@link ConsentGranted}: null for a grantee of this installation.
 */
public record ConsentRevoked(
        UUID consentId,
        UUID patientId,
        UUID granteeId,
        String transactionHash,
        long blockNumber,
        String granteeOrganizationId) implements EventData {

    public static final String TYPE = "ehr.consent.ConsentRevoked.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
