package health.ehr.consent.service;

/**
 * The EIP-712 typed data a patient's wallet signs for a grant or revocation
 * ({@code eth_signTypedData_v4} takes {@code typedData} as it is), with its digest and the nonce it
 * names; {@code expiresAt} (unix seconds) only for grants.
 */
public record SigningPayload(String kind, String patientChainId, String granteeChainId, String scopeHash,
        Long expiresAt, String nonce, String digest, String typedData, String granteeOrganizationId) {
}
