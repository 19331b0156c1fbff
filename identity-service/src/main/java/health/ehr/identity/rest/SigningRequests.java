package health.ehr.identity.rest;

import health.ehr.identity.service.ConsentSigner.Consent;
import health.ehr.identity.service.ConsentSigner.Kind;
import health.ehr.identity.service.ConsentSigner.Signature;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;

/** Body and answer of the internal consent-signing endpoint. */
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
            String nonce) {

        Consent toConsent() {
            return new Consent(kind, patientId, granteeId, scopeHash, expiresAt, nonce);
        }
    }

    /** The signature (65 bytes r‖s‖v) and what it was computed over. */
    public record ConsentSignature(String patientChainId, String granteeChainId, String controllerAddress,
            String digest, String signature) {

        static ConsentSignature of(Signature s) {
            return new ConsentSignature(s.patientChainId(), s.granteeChainId(), s.controllerAddress(), s.digest(),
                    s.signature());
        }
    }
}
