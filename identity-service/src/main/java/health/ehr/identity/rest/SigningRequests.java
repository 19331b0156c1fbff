package health.ehr.identity.rest;

import health.ehr.identity.service.ConsentSigner.Consent;
import health.ehr.identity.service.ConsentSigner.Kind;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;

/** The body the internal consent-signing endpoint reads. Answer: {@link SigningViews}. */
public final class SigningRequests {

    private SigningRequests() {
    }

    /** The fields of a Grant or Revoke; identity-service derives the chain ids itself. */
    public record ConsentSigningRequest(
            @NotNull(message = "is required") Kind kind,
            @NotNull(message = "is required") UUID patientId,
            @NotNull(message = "is required") UUID granteeId,
            @NotBlank(message = "is required") String scopeHash,
            Long expiresAt,
            @NotBlank(message = "is required") @Pattern(regexp = "[0-9]{1,78}", message = "must be a decimal number")
            String nonce,
            @Pattern(regexp = "0x[0-9a-fA-F]{64}", message = "must be 32 bytes of 0x hex")
            String granteeOrganizationId) {

        Consent toConsent() {
            return new Consent(kind, patientId, granteeId, scopeHash, expiresAt, nonce, granteeOrganizationId);
        }
    }
}
