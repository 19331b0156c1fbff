package health.ehr.events.chain;

import health.ehr.events.EventData;
import java.util.UUID;

/**
 * Chain command: submit a patient-signed EIP-712 revocation to ConsentRegistry.revokeWithSig. CloudEvents type
 * {@code ehr.chain.RevokeConsent.v1}.
 */
public record RevokeConsent(
        UUID commandId,
        UUID consentId,
        UUID patientId,
        String patientChainId,
        String granteeChainId,
        String scopeHash,
        String nonce,
        String signature) implements EventData {

    public static final String TYPE = "ehr.chain.RevokeConsent.v1";

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
