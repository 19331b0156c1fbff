package health.ehr.events.chain;

import health.ehr.events.EventData;
import java.util.UUID;

/**
 * Chain command: submit a patient-signed EIP-712 grant to ConsentRegistry.grantWithSig. CloudEvents type
 * {@code ehr.chain.GrantConsent.v1}.
 */
public record GrantConsent(
        UUID commandId,
        UUID consentId,
        UUID patientId,
        String patientChainId,
        String granteeChainId,
        String scopeHash,
        long expiresAt,
        String nonce,
        String signature) implements EventData {

    public static final String TYPE = "ehr.chain.GrantConsent.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
