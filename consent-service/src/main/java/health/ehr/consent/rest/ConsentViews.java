package health.ehr.consent.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import health.ehr.consent.Consent;
import health.ehr.consent.service.ConsentCheck;
import health.ehr.consent.service.SigningPayload;
import health.ehr.events.consent.ConsentScope;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Response bodies of the consent endpoints. */
public final class ConsentViews {

    private ConsentViews() {
    }

    /**
     * A consent (docs/api.md's fields, then added ones: the scope hash, the revocation's transaction and
     * block, and why the chain refused a grant or revocation).
     */
    public record ConsentView(UUID consentId, UUID patientId, UUID granteeId,
            @Schema(description = "the grantee's organisation (OrganizationRegistry id, 0x hex) when it is another"
                    + " installation; null for a party of this one") String granteeOrganizationId,
            ConsentScope scope, String purpose,
            Instant expiresAt,
            @Schema(enumeration = {"PENDING", "ACTIVE", "REVOKING", "REVOKED", "EXPIRED", "FAILED"}) String status,
            String transactionHash, Long blockNumber, Instant createdAt, Instant updatedAt,
            @Schema(description = "0x SHA-256 of the canonical scope, as ConsentRegistry stores it") String scopeHash,
            String revocationTransactionHash, Long revocationBlockNumber,
            @Schema(description = "why the grant (status FAILED) or the last revocation could not be carried out")
            String failureReason,
            @Schema(description = "true once the chain has made the block that decided the status (the grant's"
                    + " for ACTIVE and EXPIRED, the revocation's for REVOKED) final; until then a reorganisation"
                    + " can still undo it") boolean finalized) {

        static ConsentView of(Consent c, ConsentScope scope, long finalizedBlock) {
            Long deciding = switch (c.status) {
                case ACTIVE, EXPIRED -> c.blockNumber;
                case REVOKED -> c.revocationBlockNumber;
                default -> null;
            };
            return new ConsentView(c.consentId, c.patientId, c.granteeId, c.granteeOrganizationId, scope, c.purpose,
                    c.expiresAt,
                    c.status.name(), c.transactionHash, c.blockNumber, c.createdAt, c.updatedAt, c.scopeHash,
                    c.revocationTransactionHash, c.revocationBlockNumber, c.failureReason,
                    deciding != null && deciding <= finalizedBlock);
        }
    }

    /** The answer of the consent check. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CheckView(boolean permitted, UUID consentId, Instant expiresAt) {

        static CheckView of(Optional<ConsentCheck.Grant> grant) {
            return grant.map(g -> new CheckView(true, g.consentId(), g.expiresAt()))
                    .orElseGet(() -> new CheckView(false, null, null));
        }
    }

    /** EIP-712 typed data for a wallet to sign ({@code typedData} goes to {@code eth_signTypedData_v4} as it is). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TypedDataView(String kind, String patientChainId, String granteeChainId, String scopeHash,
            Long expiresAt, String nonce, String digest,
            @JsonRawValue @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)
            String typedData,
            @Schema(description = "the grantee's organisation for a remote consent (typed data GrantRemote /"
                    + " RevokeRemote); absent for a local one") String granteeOrganizationId) {

        static TypedDataView of(SigningPayload p) {
            return new TypedDataView(p.kind(), p.patientChainId(), p.granteeChainId(), p.scopeHash(), p.expiresAt(),
                    p.nonce(), p.digest(), p.typedData(), p.granteeOrganizationId());
        }
    }
}
