package health.ehr.events.chain;

import health.ehr.events.EventData;
import java.util.UUID;

/**
 * Chain command: submit a patient-signed EIP-712 revocation to ConsentRegistry.revokeWithSig, or, when
 * {@code granteeOrganizationId} is set, to revokeRemoteWithSig. CloudEvents type
 * {@code ehr.chain.RevokeConsent.v1}; the field is optional (absent = local).
 */
public record RevokeConsent(
        UUID commandId,
        UUID consentId,
        UUID patientId,
        String patientChainId,
        String granteeChainId,
        String scopeHash,
        String nonce,
        String signature,
        String granteeOrganizationId) implements EventData {

    public static final String TYPE = "ehr.chain.RevokeConsent.v1";

    /** A local revocation (no grantee organisation). */
    public RevokeConsent(UUID commandId, UUID consentId, UUID patientId, String patientChainId, String granteeChainId,
            String scopeHash, String nonce, String signature) {
        this(commandId, consentId, patientId, patientChainId, granteeChainId, scopeHash, nonce, signature, null);
    }

    /** Whether the grantee is a party of another installation (revokeRemoteWithSig). */
    public boolean remote() {
        return granteeOrganizationId != null;
    }

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
