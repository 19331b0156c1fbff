package health.ehr.consent.rest;

import health.ehr.consent.service.GrantRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of the consent endpoints. */
public final class ConsentRequests {

    /** 65 bytes r‖s‖v as 0x hex. */
    public static final String SIGNATURE_PATTERN = "0x[0-9a-fA-F]{130}";
    public static final String SIGNATURE_MESSAGE = "must be 65 bytes of 0x hex (r||s||v)";
    public static final String NONCE_PATTERN = "[0-9]{1,18}";
    public static final String NONCE_MESSAGE = "must be a decimal number";
    /** An organisation id of OrganizationRegistry: 32 bytes as 0x hex. */
    public static final String ORGANIZATION_PATTERN = "0x[0-9a-fA-F]{64}";
    public static final String ORGANIZATION_MESSAGE = "must be an organisation id: 32 bytes of 0x hex";

    private ConsentRequests() {
    }

    /** What a consent covers: exactly one of the three. */
    @Schema(description = "Exactly one of categories, recordIds or all: true")
    public record ScopeBody(
            @Schema(description = "record categories: LAB_RESULT, IMAGING, PRESCRIPTION, CLINICAL_NOTE,"
                    + " DISCHARGE_SUMMARY, OTHER") List<String> categories,
            @Schema(description = "record ids") List<UUID> recordIds,
            @Schema(description = "every record of the patient") Boolean all) {
    }

    /** {@code POST /api/consents} and {@code POST /api/consents/typed-data}. */
    public record CreateConsentBody(
            @NotNull(message = "is required") UUID granteeId,
            @NotNull(message = "is required") @Valid ScopeBody scope,
            @NotBlank(message = "is required") @Size(max = 500, message = "must be at most 500 characters")
            String purpose,
            @NotNull(message = "is required") @Schema(description = "ISO-8601, in the future; kept to whole seconds")
            Instant expiresAt,
            @Pattern(regexp = SIGNATURE_PATTERN, message = SIGNATURE_MESSAGE)
            @Schema(description = "the patient's own wallet signature of the Grant typed data"
                    + " (POST /api/consents/typed-data); without it identity-service signs with the custodial key")
            String signature,
            @Pattern(regexp = NONCE_PATTERN, message = NONCE_MESSAGE)
            @Schema(description = "the nonce the wallet signature names (409 when the patient's next nonce moved on)")
            String nonce,
            @Pattern(regexp = ORGANIZATION_PATTERN, message = ORGANIZATION_MESSAGE)
            @Schema(description = "the grantee's organisation (OrganizationRegistry id) when it is another"
                    + " installation of the exchange network; omitted (or this installation's id) = this one")
            String granteeOrganizationId) {

        GrantRequest toRequest() {
            return new GrantRequest(granteeId, scope.categories(), scope.recordIds(), scope.all(), purpose, expiresAt,
                    signature, nonce, granteeOrganizationId);
        }
    }
}
