package health.ehr.consent.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a patient asks for: a grantee, a scope (exactly one of categories, recordIds, all), a
 * purpose and an expiry; with their own wallet's signature (and the nonce it signed) or without
 * (identity-service then signs with the patient's custodial key).
 */
public record GrantRequest(UUID granteeId, List<String> categories, List<UUID> recordIds, Boolean all,
        String purpose, Instant expiresAt, String signature, String nonce, String granteeOrganizationId) {

    /** A grant to a party of this installation. */
    public GrantRequest(UUID granteeId, List<String> categories, List<UUID> recordIds, Boolean all, String purpose,
            Instant expiresAt, String signature, String nonce) {
        this(granteeId, categories, recordIds, all, purpose, expiresAt, signature, nonce, null);
    }
}
