package health.ehr.events.consent;

import health.ehr.events.EventData;
import java.time.Instant;
import java.util.UUID;

/**
 * A consent grant reached the confirmation depth on chain and is active. CloudEvents type
 * {@code ehr.consent.ConsentGranted.v1}. {@code granteeOrganizationId} is null for a grantee of this
 * installation, else the grantee's organisation in the exchange network (0x bytes32): that party is
 * not known here (no mail, no local read).
 */
public record ConsentGranted(
        UUID consentId,
        UUID patientId,
        UUID granteeId,
        ConsentScope scope,
        Instant expiresAt,
        String transactionHash,
        long blockNumber,
        String granteeOrganizationId) implements EventData {

    public static final String TYPE = "ehr.consent.ConsentGranted.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
