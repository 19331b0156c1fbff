package health.ehr.events.chain;

import health.ehr.events.EventData;
import java.util.UUID;

/**
 * Chain command: submit a patient-signed EIP-712 grant to ConsentRegistry.grantWithSig, or, when
 * {@code granteeOrganizationId} is set (a grantee of another installation), to grantRemoteWithSig.
 * CloudEvents type {@code ehr.chain.GrantConsent.v1}; the field is optional, so v1 consumers and
 * producers that do not know it keep working (absent = local).
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
        String signature,
        String granteeOrganizationId) implements EventData {

    public static final String TYPE = "ehr.chain.GrantConsent.v1";

    /** A local grant (no grantee organisation). */
    public GrantConsent(UUID commandId, UUID consentId, UUID patientId, String patientChainId, String granteeChainId,
            String scopeHash, long expiresAt, String nonce, String signature) {
        this(commandId, consentId, patientId, patientChainId, granteeChainId, scopeHash, expiresAt, nonce, signature,
                null);
    }

    /** Whether the grantee is a party of another installation (grantRemoteWithSig). */
    public boolean remote() {
        return granteeOrganizationId != null;
    }

    @Override
    public String partitionKey() {
        return patientId.toString();
    }
}
